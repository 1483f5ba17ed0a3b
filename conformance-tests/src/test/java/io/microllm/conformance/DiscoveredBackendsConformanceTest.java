package io.microllm.conformance;

import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The suite on every backend this machine's class path provides (ServiceLoader): each usable device runs every case,
 * and its support matrix goes to target/conformance/&lt;backend&gt;.csv. Devices with score 0 are SKIPPED with their
 * reason, or FAIL when -Dmicrollm.require names their provider (CI sets "cpu,opencl").
 */
class DiscoveredBackendsConformanceTest {

    @TestFactory
    Stream<DynamicNode> conformance() {
        Backends backends = Backends.discover();
        System.out.println("conformance: providers found: " + backends.providers().stream().map(Backends.Found::name).toList());
        if (backends.providers().isEmpty() && BackendConformanceTests.requiredProviders().isEmpty()) {
            return Stream.of(DynamicTest.dynamicTest("no backend providers", () -> {
                System.out.println("*** SKIPPED: no BackendProvider on the class path");
                Assumptions.abort("no BackendProvider on the class path");
            }));
        }
        return BackendConformanceTests.dynamicTests(backends, BackendOptions.defaults(), Path.of("target", "conformance"));
    }
}
