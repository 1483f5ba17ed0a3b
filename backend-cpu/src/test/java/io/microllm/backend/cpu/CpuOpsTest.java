package io.microllm.backend.cpu;

import io.microllm.kernels.reference.ReferenceOps;
import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;

import static io.microllm.backend.cpu.Harness.assertClose;
import static io.microllm.backend.cpu.Harness.f32;
import static io.microllm.backend.cpu.Harness.random;
import static io.microllm.backend.cpu.Harness.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Every non-mat-mul op against ReferenceOps with the conformance bounds (elementwise, norm, rope, getRows 1e-7;
 * softmax 1e-6; attention 5e-4), in every configuration, with sizes above and below the parallel thresholds.
 */
class CpuOpsTest {

    static List<Harness.Config> configs() { return Harness.configs(); }

    private static final int[][] SHAPES = {{1, 7}, {3, 100}, {64, 1024}}; // tail-only, tails, parallel

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void rmsNorm(Harness.Config config) {
        Random rnd = new Random(1);
        try (Backend b = config.open()) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                float[] x = random(rnd, rows * cols, 3f), w = random(rnd, cols, 1f);
                for (boolean weighted : new boolean[] {true, false}) {
                    Tensor dst = b.allocate(TensorType.F32, Shape.of(rows, cols));
                    b.execute(new Op.RmsNorm(f32(b, x, rows, cols), weighted ? f32(b, w, 1, cols) : null, 1e-5f, dst));
                    float[] expected = new float[x.length];
                    ReferenceOps.rmsNorm(x, rows, cols, weighted ? w : null, 1e-5f, expected);
                    assertClose(read(b, dst), expected, 1e-7, "RmsNorm " + rows + "x" + cols);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void softmax(Harness.Config config) {
        Random rnd = new Random(2);
        try (Backend b = config.open()) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1];
                float[] x = random(rnd, rows * cols, 4f);
                Tensor dst = b.allocate(TensorType.F32, Shape.of(rows, cols));
                b.execute(new Op.Softmax(f32(b, x, rows, cols), 0.7f, dst));
                float[] expected = new float[x.length];
                ReferenceOps.softmax(x, rows, cols, 0.7f, expected);
                assertClose(read(b, dst), expected, 1e-6, "Softmax " + rows + "x" + cols);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void elementwise(Harness.Config config) {
        Random rnd = new Random(3);
        try (Backend b = config.open()) {
            for (int[] s : SHAPES) {
                int rows = s[0], cols = s[1], n = rows * cols;
                float[] a = random(rnd, n, 4f), c = random(rnd, n, 2f), row = random(rnd, cols, 2f);
                Tensor ta = f32(b, a, rows, cols), tc = f32(b, c, rows, cols), tRow = f32(b, row, 1, cols);
                float[] expected = new float[n];

                Tensor dst = b.allocate(TensorType.F32, Shape.of(rows, cols));
                b.execute(new Op.Silu(ta, dst));
                ReferenceOps.silu(a, expected);
                assertClose(read(b, dst), expected, 1e-7, "Silu");

                b.execute(new Op.SwiGlu(ta, tc, dst));
                ReferenceOps.swiGlu(a, c, expected);
                assertClose(read(b, dst), expected, 1e-7, "SwiGlu");

                b.execute(new Op.Add(ta, tc, dst));
                ReferenceOps.add(a, c, cols, expected);
                assertClose(read(b, dst), expected, 1e-7, "Add");

                b.execute(new Op.Add(ta, tRow, dst));
                ReferenceOps.add(a, row, cols, expected);
                assertClose(read(b, dst), expected, 1e-7, "Add broadcast");

                b.execute(new Op.Mul(ta, tc, dst));
                ReferenceOps.mul(a, c, cols, expected);
                assertClose(read(b, dst), expected, 1e-7, "Mul");

                b.execute(new Op.Mul(ta, tRow, dst));
                ReferenceOps.mul(a, row, cols, expected);
                assertClose(read(b, dst), expected, 1e-7, "Mul broadcast");

                b.execute(new Op.Scale(ta, -0.25f, dst));
                ReferenceOps.scale(a, -0.25f, expected);
                assertClose(read(b, dst), expected, 1e-7, "Scale");

                // In place: dst is the input.
                b.execute(new Op.Add(ta, tc, ta));
                ReferenceOps.add(a, c, cols, expected);
                assertClose(read(b, ta), expected, 1e-7, "Add in place");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void rope(Harness.Config config) {
        Random rnd = new Random(4);
        float[] freqFactors = {1f, 1.5f, 2f, 4f, 8f, 1f, 1f, 16f};
        try (Backend b = config.open()) {
            for (RopeMode mode : RopeMode.values()) {
                for (int[] p : new int[][] {{1, 4, 32, 32, 7}, {5, 3, 32, 16, 0}, {40, 8, 64, 64, 1000}}) {
                    int rows = p[0], heads = p[1], headDim = p[2], nRot = p[3], pos0 = p[4], cols = heads * headDim;
                    float[] ff = nRot == 16 ? freqFactors : null;
                    float[] x = random(rnd, rows * cols, 1f);
                    Tensor tx = f32(b, x, rows, cols);
                    Tensor dst = b.allocate(TensorType.F32, Shape.of(rows, cols));
                    b.execute(new Op.Rope(tx, headDim, nRot, mode, 10000f, ff == null ? null : f32(b, ff, 1, nRot / 2), pos0, dst));
                    float[] expected = new float[x.length];
                    ReferenceOps.rope(x, rows, cols, headDim, nRot, mode, 10000f, ff, pos0, expected);
                    assertClose(read(b, dst), expected, 1e-7, "Rope " + mode + " " + rows + "x" + cols + " nRot " + nRot);

                    b.execute(new Op.Rope(tx, headDim, nRot, mode, 10000f, ff == null ? null : f32(b, ff, 1, nRot / 2), pos0, tx));
                    assertClose(read(b, tx), expected, 1e-7, "Rope in place " + mode);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void attention(Harness.Config config) {
        Random rnd = new Random(5);
        try (Backend b = config.open()) {
            for (TensorType cacheType : new TensorType[] {TensorType.F32, TensorType.F16}) {
                // n, nHead, nKvHead, headDim, position0, ctx: groups of 1 to 5 query heads per KV head, and
                // head dims that leave tails for the 8-, 16- and 32-lane loops
                for (int[] p : new int[][] {{1, 4, 4, 16, 0, 8}, {1, 8, 2, 64, 37, 64}, {5, 6, 2, 24, 3, 10}, {16, 4, 1, 64, 100, 128}, {2, 3, 3, 36, 5, 12},
                        {2, 4, 2, 128, 50, 60}, {3, 10, 2, 40, 7, 16}}) {
                    int n = p[0], nHead = p[1], nKv = p[2], headDim = p[3], pos0 = p[4], ctx = p[5];
                    int qCols = nHead * headDim, kvCols = nKv * headDim;
                    float[] q = random(rnd, n * qCols, 1f), k = random(rnd, ctx * kvCols, 1f), v = random(rnd, ctx * kvCols, 1f);
                    Tensor tk = Harness.upload(b, cacheType, k, ctx, kvCols), tv = Harness.upload(b, cacheType, v, ctx, kvCols);
                    Tensor dst = b.allocate(TensorType.F32, Shape.of(n, qCols));
                    float scale = (float) (1 / Math.sqrt(headDim));
                    b.execute(new Op.Attention(f32(b, q, n, qCols), tk, tv, nHead, nKv, pos0, scale, dst));
                    float[] expected = new float[q.length];
                    ReferenceOps.attention(q, n, nHead, nKv, headDim, Harness.roundTrip(cacheType, k),
                            Harness.roundTrip(cacheType, v), pos0, scale, expected);
                    assertClose(read(b, dst), expected, 1e-10, "Attention " + cacheType + " " + java.util.Arrays.toString(p));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void copyConvertsBetweenFloatTypes(Harness.Config config) {
        TensorType[] types = {TensorType.F32, TensorType.F16, TensorType.BF16};
        float[] x = random(new Random(6), 3 * 4100, 10f);
        x[0] = Float.POSITIVE_INFINITY;
        x[1] = 1e-7f; // an F16 subnormal
        try (Backend b = config.open()) {
            for (TensorType from : types) {
                for (TensorType to : types) {
                    Tensor src = Harness.upload(b, from, x, 3, 4100);
                    Tensor dst = b.allocate(to, Shape.of(6, 2050)); // same element count, another shape
                    b.execute(new Op.Copy(src, dst));
                    float[] expected = new float[x.length];
                    ReferenceOps.convert(Harness.roundTrip(from, x), to, expected);
                    assertArrayEquals(expected, read(b, dst), from + " -> " + to);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void argmax(Harness.Config config) {
        float[] x = random(new Random(7), 5 * 300, 1f);
        x[2 * 300 + 17] = 50f;
        x[2 * 300 + 200] = 50f; // a tie: the first wins
        try (Backend b = config.open()) {
            Tensor dst = b.allocate(TensorType.I32, Shape.of(1, 5));
            b.execute(new Op.Argmax(f32(b, x, 5, 300), dst));
            int[] expected = new int[5];
            ReferenceOps.argmax(x, 5, 300, expected);
            assertArrayEquals(expected, Harness.readInts(b, dst));
        }
    }

    /** The generation pattern: new K rows copied into an F16 cache view, attention over the cache, the last row of a batch. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void viewsShareStorage(Harness.Config config) {
        Random rnd = new Random(8);
        int ctx = 16, kvCols = 32, n = 3, pos0 = 5;
        try (Backend b = config.open()) {
            Tensor cache = b.allocate(TensorType.F16, Shape.of(ctx, kvCols));
            float[] rowsK = random(rnd, n * kvCols, 1f);
            b.execute(new Op.Copy(f32(b, rowsK, n, kvCols), b.view(cache, pos0, Shape.of(n, kvCols))));
            float[] all = read(b, cache);
            float[] expected = new float[n * kvCols];
            ReferenceOps.convert(rowsK, TensorType.F16, expected);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(all, pos0 * kvCols, (pos0 + n) * kvCols));
            assertArrayEquals(new float[pos0 * kvCols], java.util.Arrays.copyOfRange(all, 0, pos0 * kvCols), "rows before the view untouched");

            // Reshape [n, 2*16] as [2n, 16] and scale the last row of the batch through a view.
            Tensor x = f32(b, random(rnd, n * kvCols, 1f), n, kvCols);
            float[] before = read(b, x);
            Tensor lastRow = b.view(x, n - 1, Shape.of(1, kvCols));
            Tensor asHeads = b.view(lastRow, 0, Shape.of(2, kvCols / 2));
            b.execute(new Op.Scale(asHeads, 2f, asHeads));
            float[] after = read(b, x);
            for (int i = 0; i < n * kvCols; i++) {
                float want = i >= (n - 1) * kvCols ? before[i] * 2f : before[i];
                org.junit.jupiter.api.Assertions.assertEquals(want, after[i], "element " + i);
            }
        }
    }
}
