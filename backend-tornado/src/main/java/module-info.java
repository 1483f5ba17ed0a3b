/**
 * The TornadoVM backend: kernels written in Java and JIT-compiled by TornadoVM for OpenCL, PTX or SPIR-V devices.
 * TornadoVM is optional at run time ({@code requires static}): without it the provider reports its device as
 * unusable, with the reason, instead of failing to load.
 */
module io.microllm.backend.tornado {
    requires io.microllm.spi;
    requires static tornado.api;
    exports io.microllm.backend.tornado;
    provides io.microllm.spi.BackendProvider with io.microllm.backend.tornado.TornadoBackendProvider;
}
