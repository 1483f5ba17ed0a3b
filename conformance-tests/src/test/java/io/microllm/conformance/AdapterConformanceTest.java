package io.microllm.conformance;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.BackendProvider;

/**
 * The vendor path end to end: a test class extends {@link BackendConformanceTests} and returns its provider (here
 * the reference behind a test provider, on a few quick cases; target/conformance/adapter-ref.csv).
 */
class AdapterConformanceTest extends BackendConformanceTests {

    @Override
    protected BackendProvider provider() { return TestProvider.usable("adapter-ref", ReferenceBackend::new); }

    @Override
    protected ConformanceSuite configure(ConformanceSuite suite) {
        return suite.upTo(ConformanceCase.Size.SMALL).filter("^(Rope|Argmax|BadInput)\\(");
    }
}
