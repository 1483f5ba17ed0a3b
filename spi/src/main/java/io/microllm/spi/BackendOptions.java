package io.microllm.spi;

import java.util.Map;

/**
 * Options for {@link BackendProvider#open}. {@code threads} = 0 means the backend's default (for CPU: physical cores).
 * {@code properties} carries backend-specific settings (e.g. {@code opencl.opFilter}).
 */
public record BackendOptions(int threads, Map<String, String> properties) {
    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0");
        properties = Map.copyOf(properties);
    }

    public static BackendOptions defaults() { return new BackendOptions(0, Map.of()); }

    public BackendOptions withThreads(int n) { return new BackendOptions(n, properties); }

    public String property(String key, String fallback) {
        String v = properties.get(key);
        if (v == null) v = System.getProperty("microllm." + key);
        return v == null ? fallback : v;
    }
}
