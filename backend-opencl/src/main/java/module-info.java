/** OpenCL backend through JOCL: every SPI op as OpenCL C kernels, for any OpenCL 1.2+ device. */
module io.microllm.backend.opencl {
    requires io.microllm.spi;
    requires io.microllm.kernels;
    requires jocl;
    exports io.microllm.backend.opencl;
    provides io.microllm.spi.BackendProvider with io.microllm.backend.opencl.OpenClBackendProvider;
}
