package io.microllm.runtime.model;

import io.microllm.spi.TensorType;

import java.util.Map;

/**
 * How to load a model.
 *
 * @param backend           {@code NAME} or {@code NAME:DEVICE} ("cpu", "opencl:0"); null or blank = the best-ranked device
 *                          (or the system property {@code microllm.backend})
 * @param threads           threads for CPU work; 0 = the backend's default
 * @param contextLength     KV-cache rows, i.e. the longest sequence; 0 = the model's trained context, at most
 *                          {@value #DEFAULT_MAX_CONTEXT} (llama.cpp's default, which keeps the cache small for models trained on 32k+)
 * @param batchSize         prompt tokens processed per forward pass (llama.cpp's ubatch)
 * @param kvCacheType       F16 (default, like llama.cpp) or F32
 * @param strict            fail instead of running an op the chosen backend declines on another backend
 * @param backendProperties backend-specific settings passed to {@code BackendOptions}
 */
public record ModelOptions(String backend, int threads, int contextLength, int batchSize, TensorType kvCacheType,
                           boolean strict, Map<String, String> backendProperties) {

    public static final int DEFAULT_MAX_CONTEXT = 4096;

    public ModelOptions {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
        if (contextLength < 0) throw new IllegalArgumentException("contextLength must be >= 0 (0 = the model's), got " + contextLength);
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        if (kvCacheType != TensorType.F16 && kvCacheType != TensorType.F32) {
            throw new IllegalArgumentException("the KV cache type must be F16 or F32, got " + kvCacheType);
        }
        backendProperties = Map.copyOf(backendProperties);
    }

    public static ModelOptions defaults() { return new ModelOptions(null, 0, 0, 512, TensorType.F16, false, Map.of()); }

    public ModelOptions withBackend(String b) { return new ModelOptions(b, threads, contextLength, batchSize, kvCacheType, strict, backendProperties); }

    public ModelOptions withThreads(int n) { return new ModelOptions(backend, n, contextLength, batchSize, kvCacheType, strict, backendProperties); }

    public ModelOptions withContextLength(int n) { return new ModelOptions(backend, threads, n, batchSize, kvCacheType, strict, backendProperties); }

    public ModelOptions withBatchSize(int n) { return new ModelOptions(backend, threads, contextLength, n, kvCacheType, strict, backendProperties); }

    public ModelOptions withKvCacheType(TensorType t) { return new ModelOptions(backend, threads, contextLength, batchSize, t, strict, backendProperties); }

    public ModelOptions withStrict(boolean s) { return new ModelOptions(backend, threads, contextLength, batchSize, kvCacheType, s, backendProperties); }

    public ModelOptions withBackendProperties(Map<String, String> p) { return new ModelOptions(backend, threads, contextLength, batchSize, kvCacheType, strict, p); }
}
