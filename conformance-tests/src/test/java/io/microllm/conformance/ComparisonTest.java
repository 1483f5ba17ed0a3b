package io.microllm.conformance;

import io.microllm.spi.Shape;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComparisonTest {
    private static final Shape ROW = Shape.of(1, 4);

    @Test
    void nmseIsSquaredErrorOverSquaredReference() {
        Comparison c = Comparison.of(new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 4.03f}, ROW, OpClass.MATMUL);
        assertEquals(0.03 * 0.03 / 30, c.nmse(), 1e-9);
        assertTrue(c.ok());
        assertTrue(c.detail().contains("[0, 3]"), c.detail());
        assertFalse(Comparison.of(new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 4.03f}, ROW, OpClass.ELEMENTWISE).ok());
    }

    @Test
    void anyNanFails() {
        Comparison c = Comparison.of(new float[] {1, 2, 3, 4}, new float[] {1, Float.NaN, 3, 4}, ROW, OpClass.BLOCK);
        assertFalse(c.ok());
        assertTrue(c.detail().contains("NaN at [0, 1]"), c.detail());
    }

    @Test
    void infinitiesMustMatchInSign() {
        float inf = Float.POSITIVE_INFINITY;
        assertTrue(Comparison.of(new float[] {inf, -inf, 3, 4}, new float[] {inf, -inf, 3, 4}, ROW, OpClass.ELEMENTWISE).ok());
        assertFalse(Comparison.of(new float[] {inf, 2, 3, 4}, new float[] {-inf, 2, 3, 4}, ROW, OpClass.ELEMENTWISE).ok());
        assertFalse(Comparison.of(new float[] {inf, 2, 3, 4}, new float[] {3e38f, 2, 3, 4}, ROW, OpClass.ELEMENTWISE).ok());
        assertFalse(Comparison.of(new float[] {1, 2, 3, 4}, new float[] {inf, 2, 3, 4}, ROW, OpClass.ELEMENTWISE).ok());
    }

    @Test
    void allZeroReferenceNeedsAllZeroOutput() {
        assertTrue(Comparison.of(new float[4], new float[4], ROW, OpClass.ELEMENTWISE).ok());
        assertFalse(Comparison.of(new float[4], new float[] {0, 0, 1e-30f, 0}, ROW, OpClass.ELEMENTWISE).ok());
    }

    @Test
    void exactClassComparesValues() {
        assertTrue(Comparison.of(new float[] {5, 0}, new float[] {5, 0}, Shape.of(1, 2), OpClass.EXACT).ok());
        Comparison c = Comparison.of(new float[] {5, 0}, new float[] {5, 1}, Shape.of(1, 2), OpClass.EXACT);
        assertFalse(c.ok());
        assertTrue(c.detail().contains("expected 0, got 1"), c.detail());
    }
}
