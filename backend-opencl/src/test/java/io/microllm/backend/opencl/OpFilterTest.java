package io.microllm.backend.opencl;

import io.microllm.spi.BackendOptions;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Support;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** supports() declines what the user filtered out, what the deny-list names, and what the device cannot hold. */
class OpFilterTest {
    static final TensorSpec ROW = TensorSpec.of(TensorType.F32, 1, 64);

    static Op rope() { return new Op.Rope(ROW, 16, 16, RopeMode.NORM, 10000, null, 0, ROW); }

    static Op matMul(TensorType w) { return new Op.MatMul(TensorSpec.of(w, 8, 256), TensorSpec.of(TensorType.F32, 1, 256), null, TensorSpec.of(TensorType.F32, 1, 8)); }

    static Op attention() {
        TensorSpec cache = TensorSpec.of(TensorType.F16, 8, 64);
        return new Op.Attention(ROW, cache, cache, 4, 4, 0, 0.25f, ROW);
    }

    @Test
    void theOpFilterPropertyDeclinesNamedOps() {
        OpenClTestSupport.device();
        try (OpenClBackend b = OpenClTestSupport.open("opencl.opFilter", "Rope, attention ,MatMul:Q4_K")) {
            Support s = b.supports(rope());
            assertFalse(s.supported());
            assertTrue(s.reason().contains("opencl.opFilter"), s.reason());
            assertFalse(b.supports(attention()).supported());
            assertFalse(b.supports(matMul(TensorType.Q4_K)).supported());
            assertTrue(b.supports(matMul(TensorType.Q8_0)).supported());
            assertTrue(b.supports(new Op.Silu(ROW, ROW)).supported());
            var x = b.allocate(TensorType.F32, ROW.shape());
            assertThrows(UnsupportedOperationException.class,
                    () -> b.execute(new Op.Rope(x, 16, 16, RopeMode.NORM, 10000, null, 0, x)));
        }
    }

    @Test
    void theSystemPropertyWorksToo() {
        OpenClTestSupport.device();
        System.setProperty("microllm.opencl.opFilter", "Softmax");
        try (OpenClBackend b = OpenClTestSupport.open()) {
            assertFalse(b.supports(new Op.Softmax(ROW, 1, ROW)).supported());
            assertTrue(b.supports(rope()).supported());
        } finally {
            System.clearProperty("microllm.opencl.opFilter");
        }
    }

    @Test
    void unknownNamesInTheFilterFailClearly() {
        OpenClTestSupport.device();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OpenClTestSupport.open("opencl.opFilter", "Roap"));
        assertTrue(e.getMessage().contains("unknown op 'Roap'") && e.getMessage().contains("Rope"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OpenClTestSupport.open("opencl.opFilter", "MatMul:Q9"));
        assertTrue(e.getMessage().contains("unknown type 'Q9'"), e.getMessage());
    }

    @Test
    void denyListEntriesApplyOnlyToMatchingDevices() {
        ClDevice device = OpenClDiscovery.discover().find(OpenClTestSupport.device().id());
        var entries = OpGate.parseDenyList(List.of(
                "# comment line",
                ".* | .* | Copy:F16 | test: F16 stores are broken on this driver",
                "^NoSuchDevice$ | .* | Rope | never applies here"));
        try (OpenClBackend b = new OpenClBackend(device, new BackendOptions(0, Map.of("opencl.cacheDir",
                OpenClTestSupport.cacheDir().toString())), entries)) {
            Support s = b.supports(new Op.Copy(ROW, TensorSpec.of(TensorType.F16, 1, 64)));
            assertFalse(s.supported());
            assertTrue(s.reason().contains("deny-list") && s.reason().contains("F16 stores are broken"), s.reason());
            assertTrue(b.supports(new Op.Copy(ROW, TensorSpec.of(TensorType.BF16, 1, 64))).supported());
            assertTrue(b.supports(rope()).supported());
        }
    }

    @Test
    void theBuiltInDenyListParses() {
        assertEquals(List.of(), OpGate.builtInDenyList().stream().filter(e -> e.why().isBlank()).toList());
        assertThrows(IllegalArgumentException.class, () -> OpGate.parseDenyList(List.of("a | b | Rope")));
    }

    @Test
    void supportsDeclinesTensorsLargerThanTheDeviceAllows() {
        OpenClTestSupport.device();
        try (OpenClBackend b = OpenClTestSupport.open()) {
            TensorSpec huge = TensorSpec.of(TensorType.F32, 1 << 20, 1 << 20);
            Support s = b.supports(new Op.Silu(huge, huge));
            assertFalse(s.supported());
            assertTrue(s.reason().contains("largest buffer"), s.reason());
            Support bad = b.supports(new Op.Silu(ROW, TensorSpec.of(TensorType.F32, 2, 64)));
            assertFalse(bad.supported(), "invalid shapes are declined with the validation message");
        }
    }
}
