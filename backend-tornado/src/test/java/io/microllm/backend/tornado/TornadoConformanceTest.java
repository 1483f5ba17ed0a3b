package io.microllm.backend.tornado;

import io.microllm.conformance.BackendConformanceTests;
import io.microllm.spi.BackendProvider;

/** The shared conformance suite on every TornadoVM device; its support matrix goes to target/conformance/. */
class TornadoConformanceTest extends BackendConformanceTests {
    @Override
    protected BackendProvider provider() { return new TornadoBackendProvider(); }
}
