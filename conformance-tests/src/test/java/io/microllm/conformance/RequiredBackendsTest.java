package io.microllm.conformance;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An absent device is SKIPPED loudly, unless -Dmicrollm.require names its provider: then it FAILS. */
class RequiredBackendsTest {
    private static final Path NOWHERE = Path.of("target", "conformance-test-unused");

    @AfterEach
    void clearProperty() { System.clearProperty(BackendConformanceTests.REQUIRE_PROPERTY); }

    private static List<DynamicNode> nodes(Backends backends) {
        return BackendConformanceTests.dynamicTests(backends, BackendOptions.defaults(), NOWHERE).toList();
    }

    private static void execute(DynamicNode node) throws Throwable {
        ((DynamicTest) node).getExecutable().execute();
    }

    @Test
    void absentDeviceIsSkippedWithItsReason() {
        List<DynamicNode> nodes = nodes(Backends.of(List.of(TestProvider.unusable("opencl", "no OpenCL platform found"))));
        assertEquals(1, nodes.size());
        var e = assertThrows(TestAbortedException.class, () -> execute(nodes.getFirst()));
        assertTrue(e.getMessage().contains("no OpenCL platform found"), e.getMessage());
    }

    @Test
    void requiredAbsentDeviceFails() {
        System.setProperty(BackendConformanceTests.REQUIRE_PROPERTY, "cpu, opencl");
        List<DynamicNode> nodes = nodes(Backends.of(List.of(TestProvider.unusable("opencl", "no OpenCL platform found"))));
        assertEquals(2, nodes.size(), "the absent device, and the missing cpu provider");
        var unusable = assertThrows(AssertionFailedError.class, () -> execute(nodes.get(0)));
        assertTrue(unusable.getMessage().contains("required backend is unusable: opencl:-: no OpenCL platform found"), unusable.getMessage());
        var missing = assertThrows(AssertionFailedError.class, () -> execute(nodes.get(1)));
        assertTrue(missing.getMessage().contains("required backend 'cpu'"), missing.getMessage());
    }

    @Test
    void usableDeviceBecomesAContainerOfCases() {
        System.setProperty(BackendConformanceTests.REQUIRE_PROPERTY, "ref");
        List<DynamicNode> nodes = nodes(Backends.of(List.of(TestProvider.usable("ref", ReferenceBackend::new))));
        assertEquals(1, nodes.size());
        assertTrue(nodes.getFirst().getDisplayName().startsWith("ref:0"), nodes.getFirst().getDisplayName());
    }
}
