package io.microllm.backend.opencl;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op and every weight type against the scalar reference, with small and odd shapes, views, in-place use, and
 * both kernel shapes (rows: CPU style; wg: GPU style) so both run here on PoCL. Bounds are the conformance suite's.
 */
class OpenClOpsTest {
    static final double ELEMENTWISE = 1e-7, SOFTMAX = 1e-6, MATMUL = 5e-4, ATTENTION = 5e-4;

    static final List<TensorType> WEIGHT_TYPES = List.of(TensorType.F32, TensorType.F16, TensorType.BF16, TensorType.Q8_0,
            TensorType.Q4_0, TensorType.Q4_1, TensorType.Q5_0, TensorType.Q5_1, TensorType.Q4_K, TensorType.Q5_K, TensorType.Q6_K);

    /** Kernel shape x weight layout. */
    static Stream<Arguments> configs() {
        return Stream.of(Arguments.of("rows", "gguf"), Arguments.of("rows", "split"), Arguments.of("wg", "gguf"), Arguments.of("wg", "split"));
    }

    static Stream<Arguments> configsAndTypes() {
        List<Arguments> all = new ArrayList<>();
        configs().forEach(c -> WEIGHT_TYPES.forEach(t -> all.add(Arguments.of(c.get()[0], c.get()[1], t))));
        return all.stream();
    }

    static Twin twin(String shape, String layout) {
        return new Twin(OpenClTestSupport.open("opencl.kernelShape", shape, "opencl.weightLayout", layout), 42);
    }

    /** Row lengths: whole blocks for quantized types, odd lengths (vector tails) for plain ones. */
    static int[] colsFor(TensorType t) {
        return t.isQuantized() ? new int[] {t.blockSize(), 3 * t.blockSize()} : new int[] {5, 37, 96};
    }

    @ParameterizedTest(name = "{0}/{1} {2}")
    @MethodSource("configsAndTypes")
    void matMulEveryWeightType(String shape, String layout, TensorType type) {
        try (Twin tw = twin(shape, layout)) {
            for (int cols : colsFor(type)) {
                Twin.T w = tw.weight(type, 13, cols);
                Twin.T bias = tw.input(TensorType.F32, 1, 13);
                for (int n : new int[] {1, 2, 5}) {
                    Twin.T x = tw.input(TensorType.F32, n, cols);
                    Twin.T dst = tw.output(TensorType.F32, n, 13);
                    tw.run(s -> new Op.MatMul(s.of(w), s.of(x), null, s.of(dst)));
                    tw.assertClose(dst, MATMUL, type + " [13, " + cols + "] x n=" + n);
                    tw.run(s -> new Op.MatMul(s.of(w), s.of(x), s.of(bias), s.of(dst)));
                    tw.assertClose(dst, MATMUL, type + " [13, " + cols + "] x n=" + n + " + bias");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("configs")
    void matMulOnViews(String shape, String layout) {
        try (Twin tw = twin(shape, layout)) {
            Twin.T w = tw.weight(TensorType.Q4_K, 9, 512);
            Twin.T wRows = tw.view(w, 3, Shape.of(5, 512));          // rows 3..7 of a weight
            Twin.T xs = tw.input(TensorType.F32, 7, 512);
            Twin.T x = tw.view(xs, 2, Shape.of(3, 512));             // activation rows 2..4
            Twin.T out = tw.output(TensorType.F32, 6, 5);
            Twin.T dst = tw.view(out, 2, Shape.of(3, 5));           // rows 0, 1 and 5 must stay untouched
            tw.run(s -> new Op.MatMul(s.of(wRows), s.of(x), null, s.of(dst)));
            tw.assertClose(out, MATMUL, "views");
            Twin.T x1 = tw.view(xs, 6, Shape.of(1, 512));
            Twin.T dst1 = tw.view(out, 5, Shape.of(1, 5));
            tw.run(s -> new Op.MatMul(s.of(wRows), s.of(x1), null, s.of(dst1)));
            tw.assertClose(out, MATMUL, "mat-vec on views");
        }
    }

    @ParameterizedTest(name = "{0}/{1} {2}")
    @MethodSource("configsAndTypes")
    void getRowsEveryType(String shape, String layout, TensorType type) {
        try (Twin tw = twin(shape, layout)) {
            int cols = colsFor(type)[1];
            Twin.T table = tw.weight(type, 11, cols);
            Twin.T ids = tw.ids(0, 10, 3, 3, 7);
            Twin.T out = tw.output(TensorType.F32, 7, cols);
            Twin.T dst = tw.view(out, 1, Shape.of(5, cols));
            tw.run(s -> new Op.GetRows(s.of(table), s.of(ids), s.of(dst)));
            tw.assertClose(out, ELEMENTWISE, "GetRows " + type);
        }
    }

    @ParameterizedTest(name = "{0}/{1} {2}")
    @MethodSource("configsAndTypes")
    void writeThenReadGivesGgufBytesBack(String shape, String layout, TensorType type) {
        try (Twin tw = twin(shape, layout)) {
            int cols = colsFor(type)[1];
            Twin.T uploaded = tw.weight(type, 6, cols);
            tw.assertSameBytes(uploaded, "uploaded " + type);
            tw.assertSameBytes(tw.view(uploaded, 2, Shape.of(3, cols)), "view of uploaded " + type);
            Twin.T allocated = tw.input(type, Shape.of(6, cols), tw.uniform(6L * cols, -2, 2));
            Twin.T part = tw.view(allocated, 4, Shape.of(2, cols));
            MemorySegment again = Twin.bytes(type, tw.uniform(2L * cols, -1, 1));
            tw.ref.write(part.ref(), again);
            tw.cl.write(part.cl(), again);
            tw.assertSameBytes(allocated, "written " + type);
            // Writing an uploaded (possibly zero-copy) weight must not touch the caller's memory, and must take effect.
            tw.ref.write(uploaded.ref(), Twin.bytes(type, tw.uniform(6L * cols, -1, 1)));
            MemorySegment refNow = Arena.ofAuto().allocate(uploaded.ref().byteSize());
            tw.ref.read(uploaded.ref(), refNow);
            tw.cl.write(uploaded.cl(), refNow);
            tw.assertSameBytes(uploaded, "rewritten " + type);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void rmsNorm(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            for (int cols : new int[] {1, 37, 576}) {
                Twin.T x = tw.input(TensorType.F32, 3, cols);
                Twin.T w = tw.input(TensorType.F32, 1, cols);
                Twin.T dst = tw.output(TensorType.F32, 3, cols);
                tw.run(s -> new Op.RmsNorm(s.of(x), s.of(w), 1e-5f, s.of(dst)));
                tw.assertClose(dst, ELEMENTWISE, "RmsNorm " + cols);
                tw.run(s -> new Op.RmsNorm(s.of(x), null, 1e-6f, s.of(x)));
                tw.assertClose(x, ELEMENTWISE, "RmsNorm in place " + cols);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void rope(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            for (RopeMode mode : RopeMode.values()) {
                for (int[] dims : new int[][] {{64, 64}, {10, 6}, {7, 4}}) {
                    int headDim = dims[0], nRot = dims[1];
                    for (int position0 : new int[] {0, 1000}) {
                        Twin.T x = tw.input(TensorType.F32, 3, 4 * headDim);
                        Twin.T ff = tw.input(TensorType.F32, Shape.of(1, nRot / 2), tw.uniform(nRot / 2, 1, 4));
                        Twin.T dst = tw.output(TensorType.F32, 3, 4 * headDim);
                        String what = "Rope " + mode + " headDim " + headDim + " nRot " + nRot + " pos " + position0;
                        tw.run(s -> new Op.Rope(s.of(x), headDim, nRot, mode, 10000f, null, position0, s.of(dst)));
                        tw.assertClose(dst, ELEMENTWISE, what);
                        tw.run(s -> new Op.Rope(s.of(x), headDim, nRot, mode, 500000f, s.of(ff), position0, s.of(x)));
                        tw.assertClose(x, ELEMENTWISE, what + " freqFactors in place");
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void attention(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            for (TensorType kv : new TensorType[] {TensorType.F32, TensorType.F16}) {
                for (int[] h : new int[][] {{4, 2, 16}, {3, 3, 20}, {2, 1, 64}}) {
                    int nHead = h[0], nKv = h[1], headDim = h[2];
                    for (int[] np : new int[][] {{1, 0}, {1, 9}, {3, 4}}) {
                        int n = np[0], position0 = np[1];
                        int ctx = position0 + n + 2;
                        float[] cache = tw.uniform((long) ctx * nKv * headDim, -1, 1);
                        // rows past position0 + n hold a large value: reading them spoils the result visibly
                        for (int i = (position0 + n) * nKv * headDim; i < cache.length; i++) cache[i] = 1000;
                        Twin.T k = tw.input(kv, Shape.of(ctx, nKv * headDim), cache);
                        Twin.T v = tw.input(kv, Shape.of(ctx, nKv * headDim), cache.clone());
                        Twin.T q = tw.input(TensorType.F32, n, nHead * headDim);
                        Twin.T dst = tw.output(TensorType.F32, n, nHead * headDim);
                        float scale = (float) (1 / Math.sqrt(headDim));
                        tw.run(s -> new Op.Attention(s.of(q), s.of(k), s.of(v), nHead, nKv, position0, scale, s.of(dst)));
                        tw.assertClose(dst, ATTENTION, "Attention " + kv + " heads " + nHead + "/" + nKv + " d " + headDim
                                + " n " + n + " pos " + position0);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void softmaxWithMasks(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            for (int cols : new int[] {1, 19, 300}) {
                float[] v = tw.uniform(4L * cols, -3, 3);
                for (int i = 0; i < v.length; i += 3) if (i % cols != 0) v[i] = Float.NEGATIVE_INFINITY;
                Twin.T x = tw.input(TensorType.F32, Shape.of(4, cols), v);
                Twin.T dst = tw.output(TensorType.F32, 4, cols);
                tw.run(s -> new Op.Softmax(s.of(x), 0.7f, s.of(dst)));
                tw.assertClose(dst, SOFTMAX, "Softmax " + cols);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void elementwise(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            Twin.T a = tw.input(TensorType.F32, Shape.of(5, 67), tw.uniform(5 * 67, -8, 8));
            Twin.T b = tw.input(TensorType.F32, 5, 67);
            Twin.T row = tw.input(TensorType.F32, 1, 67);
            Twin.T dst = tw.output(TensorType.F32, 5, 67);
            tw.run(s -> new Op.Silu(s.of(a), s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "Silu");
            tw.run(s -> new Op.SwiGlu(s.of(a), s.of(b), s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "SwiGlu");
            tw.run(s -> new Op.Add(s.of(a), s.of(b), s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "Add");
            tw.run(s -> new Op.Add(s.of(a), s.of(row), s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "Add broadcast");
            tw.run(s -> new Op.Mul(s.of(a), s.of(b), s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "Mul");
            tw.run(s -> new Op.Mul(s.of(a), s.of(row), s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "Mul broadcast");
            tw.run(s -> new Op.Scale(s.of(a), -0.375f, s.of(dst)));
            tw.assertClose(dst, ELEMENTWISE, "Scale");
            tw.run(s -> new Op.Add(s.of(a), s.of(a), s.of(a)));
            tw.assertClose(a, ELEMENTWISE, "Add in place");
            Twin.T tail = tw.view(a, 4, Shape.of(1, 67));
            tw.run(s -> new Op.Silu(s.of(tail), s.of(tail)));
            tw.assertClose(a, ELEMENTWISE, "Silu on the last row, in place");
        }
    }

    /** Launches reuse cl_kernel objects per set of buffers; more buffer sets than are kept must still compute right. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows"})
    void manyCallSitesOfOneKernelStayCorrect(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            int sites = ClKernel.MAX_INSTANCES + 40;
            List<Twin.T> xs = new ArrayList<>();
            for (int i = 0; i < sites; i++) xs.add(tw.input(TensorType.F32, 1, 3));
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < sites; i++) {
                    Twin.T x = xs.get(i);
                    float factor = i + 0.5f * round;
                    tw.run(s -> new Op.Scale(s.of(x), factor, s.of(x)));
                }
            }
            for (int i = 0; i < sites; i += 37) tw.assertClose(xs.get(i), ELEMENTWISE, "call site " + i);
            tw.assertClose(xs.get(sites - 1), ELEMENTWISE, "last call site");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void copyConvertsBetweenFloatTypes(String shape) {
        float[] specials = {0f, -0f, 1f, 65504f, 65520f, 70000f, -1e9f, 6e-8f, 3e-5f, 1e-40f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, 1.00048828125f, 1.000732421875f, 3.0078125f, -2.00390625f, 0.1f, 1f / 3};
        TensorType[] types = {TensorType.F32, TensorType.F16, TensorType.BF16};
        try (Twin tw = twin(shape, "auto")) {
            for (TensorType from : types) {
                for (TensorType to : types) {
                    float[] v = tw.uniform(3 * 40, -100, 100);
                    System.arraycopy(specials, 0, v, 0, specials.length);
                    if (from != TensorType.F32) v = ReferenceBackendValues.roundTo(from, v);
                    Twin.T src = tw.input(from, Shape.of(3, 40), v);
                    Twin.T dst = tw.output(to, 2, 60);  // same element count, other shape
                    tw.run(s -> new Op.Copy(s.of(src), s.of(dst)));
                    tw.assertSameBytes(dst, "Copy " + from + " -> " + to);
                }
            }
            // New K rows into an F16 cache slot: a view in the middle of the cache.
            Twin.T cache = tw.output(TensorType.F16, 8, 24);
            Twin.T rows = tw.input(TensorType.F32, 2, 24);
            Twin.T slot = tw.view(cache, 5, Shape.of(2, 24));
            tw.run(s -> new Op.Copy(s.of(rows), s.of(slot)));
            tw.assertSameBytes(cache, "Copy into a cache view");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void argmaxPicksTheFirstMaximum(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            float[] v = new float[6 * 150];
            for (int i = 0; i < v.length; i++) v[i] = (i * 7919) % 5;  // many exact ties
            v[150] = Float.NaN;
            for (int i = 300; i < 450; i++) v[i] = Float.NEGATIVE_INFINITY;
            v[600 + 149] = 9;
            Twin.T x = tw.input(TensorType.F32, Shape.of(6, 150), v);
            Twin.T dst = tw.output(TensorType.I32, 1, 6);
            tw.run(s -> new Op.Argmax(s.of(x), s.of(dst)));
            tw.assertSameBytes(dst, "Argmax");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void badIdsAreRejectedBeforeAnythingIsWritten(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            Twin.T table = tw.weight(TensorType.Q8_0, 4, 64);
            Twin.T ids = tw.ids(1, 4);
            Twin.T dst = tw.output(TensorType.F32, 2, 64);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tw.cl.execute(new Op.GetRows(table.cl(), ids.cl(), dst.cl())));
            assertTrue(e.getMessage().contains("ids[1] = 4"), e.getMessage());
            assertArrayEquals(Twin.filled(128, 7.25f), Twin.values(tw.cl, dst.cl()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void idsComputedOnTheDeviceAreCheckedThere(String shape) {
        try (Twin tw = twin(shape, "auto")) {
            Twin.T table = tw.weight(TensorType.F16, 3, 40);
            Twin.T logits = tw.input(TensorType.F32, Shape.of(2, 5), new float[] {0, 1, 9, 2, 3, 0, 0, 0, 0, 9});
            Twin.T ids = tw.output(TensorType.I32, 1, 2);
            Twin.T dst = tw.output(TensorType.F32, 2, 40);
            tw.cl.execute(new Op.Argmax(logits.cl(), ids.cl()));  // ids 2 (valid) and 4 (past the 3-row table)
            tw.cl.execute(new Op.GetRows(table.cl(), ids.cl(), dst.cl()));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, tw.cl::synchronize);
            assertTrue(e.getMessage().contains("token id 4") && e.getMessage().contains("3 rows"), e.getMessage());
            tw.cl.synchronize();  // reported once; the backend stays usable
            float[] got = Twin.values(tw.cl, dst.cl());
            assertEquals(0f, got[40]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"rows", "wg"})
    void foreignTensorsAreRejected(String shape) {
        try (Twin tw = twin(shape, "auto"); ReferenceBackend other = new ReferenceBackend()) {
            Twin.T x = tw.input(TensorType.F32, 2, 8);
            var foreign = other.allocate(TensorType.F32, Shape.of(2, 8));
            assertThrows(IllegalArgumentException.class, () -> tw.cl.execute(new Op.Silu(x.cl(), foreign)));
            assertThrows(IllegalArgumentException.class, () -> tw.cl.execute(new Op.Silu(foreign, x.cl())));
            assertThrows(IllegalArgumentException.class, () -> tw.cl.view(foreign, 0, Shape.of(1, 8)));
            assertThrows(IllegalArgumentException.class, () -> tw.cl.read(foreign, Arena.ofAuto().allocate(64)));
            assertThrows(IllegalArgumentException.class, () -> tw.cl.view(x.cl(), 1, Shape.of(2, 8)));
            assertThrows(IllegalArgumentException.class, () -> tw.cl.execute(new Op.Silu(x.cl(), tw.cl.allocate(TensorType.F32, Shape.of(3, 8)))));
        }
    }
}
