package io.microllm.backend.cpu;

import io.microllm.kernels.reference.ReferenceOps;
import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.microllm.backend.cpu.Harness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** MatMul and GetRows for every weight type against ReferenceOps on the dequantized weights. */
class CpuMatMulTest {

    private static final List<TensorType> WEIGHT_TYPES = List.of(TensorType.F32, TensorType.F16, TensorType.BF16,
            TensorType.Q4_0, TensorType.Q4_1, TensorType.Q5_0, TensorType.Q5_1, TensorType.Q8_0,
            TensorType.Q4_K, TensorType.Q5_K, TensorType.Q6_K);

    static List<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Harness.Config c : Harness.configs()) {
            for (TensorType t : WEIGHT_TYPES) cases.add(Arguments.of(c, t));
        }
        return cases;
    }

    /** Shapes: single rows (mat-vec) small and big enough to split over threads, odd row counts, and prompts across token tiles. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void matMulMatchesReference(Harness.Config config, TensorType type) {
        int[][] shapes = {{1, 7, 256}, {1, 1030, 512}, {3, 9, 512}, {33, 70, 256}, {5, 130, 1024}};
        Random rnd = new Random(type.ordinal());
        try (Backend b = config.open()) {
            for (int[] s : shapes) {
                int n = s[0], out = s[1], in = s[2];
                float[] w = Harness.random(rnd, out * in, 0.5f), x = Harness.random(rnd, n * in, 1f);
                float[] bias = n == 3 ? Harness.random(rnd, out, 1f) : null;
                Tensor wt = Harness.upload(b, type, w, out, in);
                Tensor dst = b.allocate(TensorType.F32, Shape.of(n, out));
                b.execute(new Op.MatMul(wt, Harness.f32(b, x, n, in), bias == null ? null : Harness.f32(b, bias, 1, out), dst));

                // The native mat-vec multiplies int8-rounded activations, as llama.cpp does; its result is checked
                // as tightly as the Java kernels' against the reference on those rounded values.
                boolean rounded = config.nativeMatVec(type) && n <= MatMulTask.MAX_MATVEC_TOKENS;
                float[] expected = new float[n * out];
                ReferenceOps.matMul(Harness.roundTrip(type, w), out, in, rounded ? ActivationRounding.int8(type, x) : x, n, bias, expected);
                assertClose(Harness.read(b, dst), expected, 1e-10, type + " " + n + "x" + in + " by " + out + "x" + in);
            }
        }
    }

    static List<Arguments> plainCases() {
        return cases().stream().filter(a -> !((TensorType) a.get()[1]).isQuantized()).toList();
    }

    /** Plain types also take row lengths that are not a multiple of the vector width (quantized rows are whole blocks). */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("plainCases")
    void oddRowLengths(Harness.Config config, TensorType type) {
        Random rnd = new Random(7);
        try (Backend b = config.open()) {
            for (int n : new int[] {1, 4}) {
                int out = 13, in = 37;
                float[] w = Harness.random(rnd, out * in, 1f), x = Harness.random(rnd, n * in, 1f);
                Tensor dst = b.allocate(TensorType.F32, Shape.of(n, out));
                b.execute(new Op.MatMul(Harness.upload(b, type, w, out, in), Harness.f32(b, x, n, in), null, dst));
                float[] expected = new float[n * out];
                ReferenceOps.matMul(Harness.roundTrip(type, w), out, in, x, n, null, expected);
                assertClose(Harness.read(b, dst), expected, 1e-10, type + " in=" + in);
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void getRowsDequantizesExactly(Harness.Config config, TensorType type) {
        int vocab = 11, d = 512;
        Random rnd = new Random(3);
        float[] table = Harness.random(rnd, vocab * d, 1f);
        int[] ids = {4, 0, 10, 4};
        try (Backend b = config.open()) {
            Tensor dst = b.allocate(TensorType.F32, Shape.of(ids.length, d));
            b.execute(new Op.GetRows(Harness.upload(b, type, table, vocab, d), Harness.i32(b, ids), dst));
            float[] expected = new float[ids.length * d];
            ReferenceOps.getRows(Harness.roundTrip(type, table), vocab, d, ids, expected);
            assertArrayEquals(expected, Harness.read(b, dst), type.toString());
        }
    }

    /** Upload is zero-copy, and read returns the GGUF bytes unchanged. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void readReturnsUploadedBytes(Harness.Config config, TensorType type) {
        float[] values = Harness.random(new Random(1), 4 * 256, 1f);
        try (Backend b = config.open()) {
            Tensor t = Harness.upload(b, type, values, 4, 256);
            MemorySegment back = Arena.ofAuto().allocate(t.byteSize());
            b.read(t, back);
            assertArrayEquals(io.microllm.kernels.quant.Quantize.quantize(type, values), back.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        }
    }
}
