/**
 * The CPU backend: Vector API kernels over MemorySegments on a fixed worker pool, with a scalar fallback when
 * {@code jdk.incubator.vector} is not resolved (class path without {@code --add-modules jdk.incubator.vector}).
 */
module io.microllm.backend.cpu {
    requires io.microllm.kernels;
    requires jdk.incubator.vector;
    exports io.microllm.backend.cpu;
    provides io.microllm.spi.BackendProvider with io.microllm.backend.cpu.CpuBackendProvider;
}
