/**
 * The backend conformance suite: every op of the SPI, compared with the scalar reference on the same input bytes.
 * {@link io.microllm.conformance.ConformanceSuite} is the API, {@link io.microllm.conformance.ConformanceReport} the
 * command-line entry point and {@link io.microllm.conformance.BackendConformanceTests} the JUnit adapter for vendors.
 */
module io.microllm.conformance {
    requires transitive io.microllm.spi;
    requires io.microllm.kernels;
    // Only BackendConformanceTests needs JUnit; the CLI runs the suite without it.
    requires static org.junit.jupiter.api;
    exports io.microllm.conformance;
}
