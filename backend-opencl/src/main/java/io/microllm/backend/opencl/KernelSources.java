package io.microllm.backend.opencl;

import io.microllm.kernels.HostTensor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenCL C sources, kept as resources of the kernels module (io/microllm/kernels/opencl/*.cl) so every backend
 * and reader finds them in one place. Read through that module, which opens the package for this access.
 */
final class KernelSources {
    private static final String DIR = "io/microllm/kernels/opencl/";
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private KernelSources() {}

    /** The files concatenated in order, each preceded by a line naming it (compiler messages then say which file). */
    static String join(List<String> files) {
        StringBuilder sb = new StringBuilder();
        for (String f : files) sb.append("// ---- ").append(f).append('\n').append(read(f)).append('\n');
        return sb.toString();
    }

    static String read(String file) {
        return CACHE.computeIfAbsent(file, f -> {
            try (InputStream in = HostTensor.class.getModule().getResourceAsStream(DIR + f)) {
                if (in == null) throw new IllegalStateException("OpenCL source " + DIR + f + " not found in module io.microllm.kernels");
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read OpenCL source " + DIR + f, e);
            }
        });
    }
}
