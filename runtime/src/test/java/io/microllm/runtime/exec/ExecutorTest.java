package io.microllm.runtime.exec;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorTest {
    private static final Shape ROW = Shape.of(1, 4);

    private static Executor executor(boolean strict, Set<String> primaryDeclines) {
        return Executor.of(strict, new DecliningBackend(new ReferenceBackend(), "primary", primaryDeclines),
                new DecliningBackend(new ReferenceBackend(), "second", Set.of()));
    }

    private static MemorySegment floats(float... v) { return MemorySegment.ofArray(v.clone()); }

    private static float[] read(Executor ex, LogicalTensor t) {
        float[] out = new float[(int) t.shape().elements()];
        ex.read(t, MemorySegment.ofArray(out));
        return out;
    }

    @Test
    void aDeclinedOpRunsOnTheNextBackendAndIsReported() {
        try (Executor ex = executor(false, Set.of("SwiGlu"))) {
            LogicalTensor a = ex.allocate("a", TensorType.F32, ROW), b = ex.allocate("b", TensorType.F32, ROW);
            ex.write(a, floats(1, 2, -1, 0));
            ex.write(b, floats(1, 1, 1, 1));
            ex.run(new Op.Add(a, b, a));       // a = 2, 3, 0, 1 on the primary
            ex.run(new Op.SwiGlu(a, b, b));    // b = silu(a) · 1 on the second backend: copies a and b there
            ex.run(new Op.Add(a, b, a));       // back on the primary: copies b back
            float[] expected = new float[4];
            float[] first = {2, 3, 0, 1};
            for (int i = 0; i < 4; i++) expected[i] = first[i] + first[i] / (1 + (float) Math.exp(-first[i]));
            assertArrayEquals(expected, read(ex, a), 1e-6f);

            PlacementReport report = ex.report();
            assertEquals(List.of("test:primary", "test:second"), report.backends());
            assertEquals(Map.of("Add", 2L), report.ops().get("test:primary"));
            assertEquals(Map.of("SwiGlu", 1L), report.ops().get("test:second"));
            assertEquals(1, report.fallbackOps());
            assertEquals(3 * 16, report.bytesMoved(), "a and b to the second backend, b back");
            assertEquals(3, report.transfers());
            assertTrue(report.fallbacks().get("SwiGlu").contains(DecliningBackend.REASON), report.format());
        }
    }

    @Test
    void strictModeTurnsAFallbackIntoAnErrorNamingOpAndReason() {
        try (Executor ex = executor(true, Set.of("SwiGlu"))) {
            LogicalTensor a = ex.allocate("a", TensorType.F32, ROW);
            ex.run(new Op.Add(a, a, a));
            var e = assertThrows(IllegalStateException.class, () -> ex.run(new Op.SwiGlu(a, a, a)));
            assertTrue(e.getMessage().contains("SwiGlu") && e.getMessage().contains(DecliningBackend.REASON)
                    && e.getMessage().contains("test:primary"), e.getMessage());
            assertEquals(0, ex.report().fallbackOps());
        }
    }

    @Test
    void anOpNoBackendTakesFailsWithEveryReason() {
        try (Executor ex = Executor.of(false, new DecliningBackend(new ReferenceBackend(), "only", Set.of("Silu")))) {
            LogicalTensor a = ex.allocate("a", TensorType.F32, ROW);
            var e = assertThrows(IllegalStateException.class, () -> ex.run(new Op.Silu(a, a)));
            assertTrue(e.getMessage().contains("no backend runs Silu") && e.getMessage().contains(DecliningBackend.REASON), e.getMessage());
        }
    }

    @Test
    void aPartialWriteOnAnotherBackendKeepsTheRestOfTheBuffer() {
        // Like a KV-cache slot: Copy into one row of a buffer on the second backend, then read it all.
        try (Executor ex = executor(false, Set.of("Copy"))) {
            LogicalTensor cache = ex.allocate("cache", TensorType.F16, Shape.of(3, 4));
            LogicalTensor row = ex.allocate("row", TensorType.F32, ROW);
            ex.write(ex.view(cache, 0, Shape.of(1, 4)), halves(1, 2, 3, 4));
            ex.write(row, floats(5, 6, 7, 8));
            ex.run(new Op.Copy(row, ex.view(cache, 1, ROW)));
            short[] all = new short[12];
            ex.read(cache, MemorySegment.ofArray(all));
            float[] got = new float[12];
            for (int i = 0; i < 12; i++) got[i] = Float.float16ToFloat(all[i]);
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0}, got);
            assertEquals(Map.of("Copy", 1L), ex.report().ops().get("test:second"));
            assertEquals(16 + 24, ex.report().bytesMoved(), "the row, and the cache the second backend had never seen");
        }
    }

    @Test
    void onlyTheRowsWrittenElsewhereAreCopied() {
        // The KV-cache pattern with Attention declined: one slot written per step on the primary, the whole cache read
        // on the second backend. Each step must move one row, not the cache.
        try (Executor ex = executor(false, Set.of("Scale"))) {
            LogicalTensor cache = ex.allocate("cache", TensorType.F32, Shape.of(4, 4)), out = ex.allocate("out", TensorType.F32, Shape.of(4, 4));
            LogicalTensor row = ex.allocate("row", TensorType.F32, ROW);
            ex.run(new Op.Scale(cache, 2, out));   // the second backend's copy starts as zeros, like every copy
            for (int p = 0; p < 4; p++) {
                ex.write(row, floats(p, p, p, p));
                ex.run(new Op.Copy(row, ex.view(cache, p, ROW)));
                ex.run(new Op.Scale(cache, 2, out));
            }
            assertArrayEquals(new float[] {0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4, 6, 6, 6, 6}, read(ex, out));
            assertEquals(4 * 16, ex.report().bytesMoved());
            assertEquals(4, ex.report().transfers());
        }
    }

    @Test
    void weightsAreUploadedOnlyWhereUsedAndOnlyOnce() {
        try (Executor ex = executor(false, Set.of("MatMul")); Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(4 * 8);
            for (int i = 0; i < 8; i++) data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i);
            LogicalTensor w = ex.weight("w", TensorType.F32, Shape.of(2, 4), data);
            LogicalTensor x = ex.allocate("x", TensorType.F32, ROW), y = ex.allocate("y", TensorType.F32, Shape.of(1, 2));
            ex.write(x, floats(1, 1, 1, 1));
            ex.run(new Op.MatMul(w, x, null, y));
            ex.run(new Op.MatMul(w, x, null, y));
            assertArrayEquals(new float[] {6, 22}, read(ex, y));
            PlacementReport r = ex.report();
            assertEquals(0L, r.weightBytes().get("test:primary"));
            assertEquals(32L, r.weightBytes().get("test:second"));
            assertEquals(16, r.bytesMoved(), "x once: it stays current on the second backend");
        }
    }

    @Test
    void viewsOutsideTheirBaseAreRejected() {
        try (Executor ex = executor(false, Set.of())) {
            LogicalTensor t = ex.allocate("t", TensorType.F32, Shape.of(2, 4));
            assertThrows(IllegalArgumentException.class, () -> ex.view(t, 1, Shape.of(2, 4)));
            assertThrows(IllegalArgumentException.class, () -> ex.view(ex.view(t, 0, Shape.of(4, 2)), 1, Shape.of(1, 2)));
        }
    }

    private static MemorySegment halves(float... v) {
        short[] h = new short[v.length];
        for (int i = 0; i < v.length; i++) h[i] = Float.floatToFloat16(v[i]);
        return MemorySegment.ofArray(h);
    }
}
