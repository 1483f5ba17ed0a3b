/** Scalar reference ops, GGUF quantization formats, and kernel sources shared by the backends. */
module io.microllm.kernels {
    requires transitive io.microllm.spi;
    exports io.microllm.kernels;
    exports io.microllm.kernels.quant;
    exports io.microllm.kernels.reference;
    // OpenCL C sources (resources only): a named module hides non-class resources of its packages from other
    // modules unless the package is open, and backends read these through getResourceAsStream.
    opens io.microllm.kernels.opencl;
}
