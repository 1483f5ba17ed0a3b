package io.microllm.kernels.reference;

import io.microllm.spi.RopeMode;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Small cases computed by hand (expected values written as the formulas they come from). */
class ReferenceOpsTest {

    private static final float EPS = 1e-6f;

    private static float[] rope(float[] x, int headDim, int nRot, RopeMode mode, float[] freqFactors, int position0) {
        float[] dst = new float[x.length];
        ReferenceOps.rope(x, 1, x.length, headDim, nRot, mode, 10000f, freqFactors, position0, dst);
        return dst;
    }

    @Test
    void ropeNormRotatesAdjacentPairs() {
        // position 1, nRot 4: pair 0 turns by 1 rad, pair 1 by 10000^(-2/4) = 0.01 rad.
        double c1 = Math.cos(1), s1 = Math.sin(1), c2 = Math.cos(0.01), s2 = Math.sin(0.01);
        float[] expected = {(float) (1 * c1 - 2 * s1), (float) (1 * s1 + 2 * c1),
                (float) (3 * c2 - 4 * s2), (float) (3 * s2 + 4 * c2)};
        assertArrayEquals(expected, rope(new float[] {1, 2, 3, 4}, 4, 4, RopeMode.NORM, null, 1), EPS);
    }

    @Test
    void ropeNeoxRotatesHalves() {
        // Pairs are (x0, x2) by 1 rad and (x1, x3) by 0.01 rad.
        double c1 = Math.cos(1), s1 = Math.sin(1), c2 = Math.cos(0.01), s2 = Math.sin(0.01);
        float[] expected = {(float) (1 * c1 - 3 * s1), (float) (2 * c2 - 4 * s2),
                (float) (1 * s1 + 3 * c1), (float) (2 * s2 + 4 * c2)};
        assertArrayEquals(expected, rope(new float[] {1, 2, 3, 4}, 4, 4, RopeMode.NEOX, null, 1), EPS);
    }

    @Test
    void ropeAtPositionZeroIsIdentityAndLaterRowsAdvance() {
        float[] x = {1, 2, 3, 4, 1, 2, 3, 4};
        float[] dst = new float[8];
        ReferenceOps.rope(x, 2, 4, 4, 4, RopeMode.NORM, 10000f, null, 0, dst);
        assertArrayEquals(new float[] {1, 2, 3, 4}, java.util.Arrays.copyOf(dst, 4), 0f);
        // Row 1 has position 1.
        assertArrayEquals(rope(new float[] {1, 2, 3, 4}, 4, 4, RopeMode.NORM, null, 1),
                java.util.Arrays.copyOfRange(dst, 4, 8), 0f);
    }

    @Test
    void ropeDividesByFreqFactorsAndKeepsUnrotatedDims() {
        // headDim 6, nRot 4, two heads; factors [2, 1]: pair 0 turns by 0.5 rad at position 1; dims 4, 5 pass through.
        float[] x = {1, 0, 0, 1, 7, 8, 0, 1, 1, 0, 9, 10};
        float[] dst = new float[12];
        ReferenceOps.rope(x, 1, 12, 6, 4, RopeMode.NORM, 10000f, new float[] {2, 1}, 1, dst);
        double c = Math.cos(0.5), s = Math.sin(0.5), c2 = Math.cos(0.01), s2 = Math.sin(0.01);
        float[] expected = {(float) c, (float) s, (float) -s2, (float) c2, 7, 8,
                (float) -s, (float) c, (float) c2, (float) s2, 9, 10};
        assertArrayEquals(expected, dst, EPS);
    }

    @Test
    void ropeInPlaceEqualsOutOfPlace() {
        float[] x = {0.5f, -1, 2, 3, 4, 5, -6, 7};
        float[] expected = new float[8];
        ReferenceOps.rope(x, 2, 4, 4, 2, RopeMode.NEOX, 500f, null, 3, expected);
        ReferenceOps.rope(x, 2, 4, 4, 2, RopeMode.NEOX, 500f, null, 3, x);
        assertArrayEquals(expected, x, 0f);
    }

    @Test
    void attentionIsCausalAndSharesKvHeadsAcrossGroups() {
        // 2 query heads share 1 KV head, headDim 2. Cache rows: k0 = [1, 0], k1 = [0, 1]; v0 = [10, 20], v1 = [30, 40].
        float[] k = {1, 0, 0, 1};
        float[] v = {10, 20, 30, 40};
        float ln3 = (float) Math.log(3);
        float[] q = {
                1, 0, 0, 5,      // row 0 (position 0): sees only cache row 0
                ln3, 0, 0, 0};   // row 1: head 0 weights e^ln3 : e^0 = 3 : 1, head 1 uniform
        float[] dst = new float[8];
        ReferenceOps.attention(q, 2, 2, 1, 2, k, v, 0, 1.0f, dst);
        assertArrayEquals(new float[] {10, 20, 10, 20, 15, 25, 20, 30}, dst, 1e-5f);
    }

    @Test
    void attentionMapsHeadGroupsToConsecutiveKvHeads() {
        // 4 heads, 2 KV heads: heads 0, 1 read KV head 0 and heads 2, 3 KV head 1 (not h % nKvHead).
        // With one visible cache row the output is that row's v.
        float[] q = {1, 1, 1, 1, 1, 1, 1, 1};
        float[] k = {1, 1, 1, 1};
        float[] v = {1, 2, 3, 4};
        float[] dst = new float[8];
        ReferenceOps.attention(q, 1, 4, 2, 2, k, v, 0, 0.5f, dst);
        assertArrayEquals(new float[] {1, 2, 1, 2, 3, 4, 3, 4}, dst, 0f);
    }

    @Test
    void attentionIgnoresCacheRowsAfterThePosition() {
        // position0 = 1, one query: attends rows 0..1 with equal scores; row 2 (huge, most similar) must not count.
        float[] k = {0, 0, 0, 0, 100, 100};
        float[] v = {1, 1, 3, 3, 1000, 1000};
        float[] dst = new float[2];
        ReferenceOps.attention(new float[] {1, 1}, 1, 1, 1, 2, k, v, 1, 1.0f, dst);
        assertArrayEquals(new float[] {2, 2}, dst, 0f);
    }

    @Test
    void softmaxIsStableAndScaled() {
        float[] dst = new float[6];
        ReferenceOps.softmax(new float[] {1000, 1000, 1000, 0, 0.5f * (float) Math.log(2), -1e30f}, 2, 3, 2.0f, dst);
        // Row 0: equal; row 1: softmax(2x) = [1, 2, 0] / 3.
        assertArrayEquals(new float[] {1 / 3f, 1 / 3f, 1 / 3f, 1 / 3f, 2 / 3f, 0}, dst, EPS);
    }

    @Test
    void rmsNormWithAndWithoutWeight() {
        float[] dst = new float[4];
        ReferenceOps.rmsNorm(new float[] {2, -2, 3, 4}, 2, 2, null, 0f, dst);
        double rms = Math.sqrt(12.5);
        assertArrayEquals(new float[] {1, -1, (float) (3 / rms), (float) (4 / rms)}, dst, EPS);
        ReferenceOps.rmsNorm(new float[] {2, -2}, 1, 2, new float[] {3, 0.5f}, 12f, dst = new float[2]);
        // mean(x²) + eps = 16: x / 4 · weight.
        assertArrayEquals(new float[] {1.5f, -0.25f}, dst, 0f);
    }

    @Test
    void argmaxTakesTheFirstOfTies() {
        int[] dst = new int[3];
        ReferenceOps.argmax(new float[] {1, 5, 5, 2, -3, -3, -3, -3, Float.NaN, 0, 7, 7}, 3, 4, dst);
        assertArrayEquals(new int[] {1, 0, 2}, dst);
    }

    @Test
    void matMulAddsBias() {
        float[] w = {1, 2, 3, 4, 5, 6};     // [3, 2]
        float[] x = {1, 1, 2, -1};          // [2, 2]
        float[] dst = new float[6];
        ReferenceOps.matMul(w, 3, 2, x, 2, new float[] {0.5f, 0, -1}, dst);
        assertArrayEquals(new float[] {3.5f, 7, 10, 0.5f, 2, 3}, dst, 0f);
        assertThrows(IllegalArgumentException.class, () -> ReferenceOps.matMul(w, 3, 2, x, 2, null, x));
    }

    @Test
    void elementwiseOpsBroadcastOneRow() {
        float[] a = {1, 2, 3, 4};
        float[] dst = new float[4];
        ReferenceOps.add(a, new float[] {10, 20}, 2, dst);
        assertArrayEquals(new float[] {11, 22, 13, 24}, dst, 0f);
        ReferenceOps.mul(a, new float[] {10, 20}, 2, dst);
        assertArrayEquals(new float[] {10, 40, 30, 80}, dst, 0f);
        ReferenceOps.mul(a, a, 2, dst);
        assertArrayEquals(new float[] {1, 4, 9, 16}, dst, 0f);
        ReferenceOps.scale(a, -0.5f, dst);
        assertArrayEquals(new float[] {-0.5f, -1, -1.5f, -2}, dst, 0f);
        assertThrows(IllegalArgumentException.class, () -> ReferenceOps.add(a, new float[3], 2, dst));
    }

    @Test
    void siluAndSwiGlu() {
        float[] dst = new float[2];
        ReferenceOps.silu(new float[] {0, 1}, dst);
        assertArrayEquals(new float[] {0, (float) (1 / (1 + Math.exp(-1)))}, dst, EPS);
        ReferenceOps.swiGlu(new float[] {1, -2}, new float[] {2, 3}, dst);
        assertArrayEquals(new float[] {(float) (2 / (1 + Math.exp(-1))), (float) (3 * -2 / (1 + Math.exp(2)))}, dst, EPS);
    }

    @Test
    void getRowsChecksIds() {
        float[] table = {1, 2, 3, 4, 5, 6};
        float[] dst = new float[4];
        ReferenceOps.getRows(table, 3, 2, new int[] {2, 0}, dst);
        assertArrayEquals(new float[] {5, 6, 1, 2}, dst, 0f);
        var e = assertThrows(IllegalArgumentException.class, () -> ReferenceOps.getRows(table, 3, 2, new int[] {3, 0}, dst));
        assertEquals("ids[0] = 3 is outside the table's 3 rows", e.getMessage());
    }

    @Test
    void convertRoundsToTheStoredType() {
        float[] dst = new float[1];
        ReferenceOps.convert(new float[] {1 / 3f}, TensorType.F16, dst);
        assertEquals(0.333251953125f, dst[0], 0f);   // 0x3555
        ReferenceOps.convert(new float[] {1 / 3f}, TensorType.BF16, dst);
        assertEquals(0.333984375f, dst[0], 0f);      // 0x3EAB
        assertThrows(IllegalArgumentException.class, () -> ReferenceOps.convert(new float[1], TensorType.Q8_0, dst));
    }
}
