package io.microllm.conformance;

import io.microllm.conformance.ConformanceCase.Size;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.util.ArrayList;
import java.util.List;

import static io.microllm.conformance.Fill.uniform;
import static io.microllm.spi.TensorType.F16;
import static io.microllm.spi.TensorType.F32;
import static io.microllm.spi.TensorType.I32;
import static io.microllm.spi.TensorType.Q4_0;
import static io.microllm.spi.TensorType.Q4_K;
import static io.microllm.spi.TensorType.Q5_1;
import static io.microllm.spi.TensorType.Q6_K;
import static io.microllm.spi.TensorType.Q8_0;

/**
 * MatMul and GetRows for every weight type. Quantized row lengths are multiples of the block size (32 or 256);
 * the float types get odd ones. Every type gets n = 1 (mat-vec), n > 1 (prompt batch), a bias, 4097 output rows,
 * and a real layer shape; the vocabulary-sized output projections and embeddings are a handful of LARGE cases.
 */
final class MatMulCases {
    private MatMulCases() {}

    static final List<TensorType> WEIGHT_TYPES = List.of(TensorType.F32, TensorType.F16, TensorType.BF16, Q8_0, Q4_0,
            TensorType.Q4_1, TensorType.Q5_0, Q5_1, Q4_K, TensorType.Q5_K, Q6_K);

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        for (TensorType t : WEIGHT_TYPES) matMul(cases, t);
        // Qwen2's Q projection has a bias; Llama-3.2-1B's largest layers.
        cases.add(matMulCase(Q8_0, 896, 896, 5, true, Size.MODEL, "Qwen2.5-0.5B q_proj"));
        cases.add(matMulCase(Q5_1, 128, 896, 1, true, Size.MODEL, "Qwen2.5-0.5B k_proj"));
        cases.add(matMulCase(Q4_K, 8192, 2048, 1, false, Size.MODEL, "Llama-3.2-1B ffn_up"));
        cases.add(matMulCase(Q6_K, 2048, 8192, 3, false, Size.MODEL, "Llama-3.2-1B ffn_down"));
        cases.add(matMulCase(Q4_0, 512, 2048, 7, false, Size.MODEL, "Llama-3.2-1B k_proj"));
        cases.add(matMulCase(F16, 512, 2048, 7, false, Size.MODEL, "Llama-3.2-1B k_proj"));
        // Output projections (tied embeddings): the largest single matmuls a micro model runs.
        cases.add(matMulCase(Q8_0, 49152, 576, 1, false, Size.LARGE, "SmolLM2-135M output"));
        cases.add(matMulCase(Q6_K, 151936, 1024, 1, false, Size.LARGE, "Qwen3-0.6B output"));
        cases.add(matMulCase(F16, 49152, 576, 2, false, Size.LARGE, "SmolLM2-135M output"));

        // x is the last token's row of a batch (a view): what the output projection reads after a prompt.
        cases.add(lastTokenMatMul(Q8_0, 1536, 576, 6));
        cases.add(lastTokenMatMul(F16, 31, 33, 2));

        for (TensorType t : WEIGHT_TYPES) getRows(cases, t);
        cases.add(getRowsCase(Q8_0, 49152, 576, 7, Size.LARGE, "SmolLM2-135M token_embd"));
        cases.add(getRowsCase(Q8_0, 151936, 1024, 5, Size.LARGE, "Qwen3-0.6B token_embd"));
        return cases;
    }

    /** Row lengths for small cases: odd for float types, one and three blocks for quantized ones. */
    private static int[] smallIn(TensorType t) {
        return t.isQuantized() ? new int[] {t.blockSize(), 3 * t.blockSize()} : new int[] {33, 7};
    }

    private static void matMul(List<ConformanceCase> cases, TensorType t) {
        int[] in = smallIn(t);
        cases.add(matMulCase(t, 7, in[0], 1, false, Size.SMALL, null));
        cases.add(matMulCase(t, 33, in[1], 5, true, Size.SMALL, null));
        cases.add(matMulCase(t, 4097, in[0], 3, false, Size.SMALL, null));
        if (!t.isQuantized()) cases.add(matMulCase(t, 31, 1, 3, false, Size.SMALL, null));
        if (t.blockSize() == 256) {
            // 576 is not a multiple of 256: K-quant files keep SmolLM2's d-wide rows in other types.
            cases.add(matMulCase(t, 576, 1536, 1, false, Size.MODEL, "SmolLM2-135M ffn_down"));
            cases.add(matMulCase(t, 3072, 1024, 7, false, Size.MODEL, "Qwen3-0.6B ffn_up"));
        } else {
            cases.add(matMulCase(t, 1536, 576, 1, false, Size.MODEL, "SmolLM2-135M ffn_up"));
            cases.add(matMulCase(t, 2048, 1024, 7, false, Size.MODEL, "Qwen3-0.6B q_proj"));
        }
    }

    private static ConformanceCase matMulCase(TensorType t, int out, int in, int n, boolean bias, Size size, String layer) {
        String params = "type=" + t + ",w=" + Shape.of(out, in) + ",n=" + n + (bias ? ",bias" : "") + (layer == null ? "" : "," + layer);
        return ConformanceCase.compare("MatMul", t.name(), params, OpClass.MATMUL, size, w -> {
            Tensor weight = w.weight("w", t, Shape.of(out, in), uniform(-1, 1));
            Tensor b = bias ? w.weight("bias", F32, Shape.of(1, out), uniform(-1, 1)) : null;
            w.run(new Op.MatMul(weight, w.input("x", F32, Shape.of(n, in), uniform(-1, 1)), b, w.output(F32, Shape.of(n, out))));
        });
    }

    private static ConformanceCase lastTokenMatMul(TensorType t, int out, int in, int row) {
        String params = "type=" + t + ",w=" + Shape.of(out, in) + ",x=[1, " + in + "] view at row " + row;
        return ConformanceCase.compare("MatMul", t.name(), params, OpClass.MATMUL, Size.SMALL, w -> {
            Tensor weight = w.weight("w", t, Shape.of(out, in), uniform(-1, 1));
            Tensor x = w.inputView("x", F32, Shape.of(1, in), row, uniform(-1, 1));
            w.run(new Op.MatMul(weight, x, null, w.output(F32, Shape.of(1, out))));
        });
    }

    private static void getRows(List<ConformanceCase> cases, TensorType t) {
        int[] cols = smallIn(t);
        cases.add(getRowsCase(t, 7, cols[0], 5, Size.SMALL, null));
        cases.add(getRowsCase(t, 33, cols[1], 1, Size.SMALL, null));
        cases.add(getRowsCase(t, 4097, cols[0], 9, Size.SMALL, null));
        cases.add(getRowsCase(t, 511, 1024, 7, Size.MODEL, null));
    }

    private static ConformanceCase getRowsCase(TensorType t, int vocab, int d, int n, Size size, String layer) {
        String params = "type=" + t + ",table=" + Shape.of(vocab, d) + ",n=" + n + (layer == null ? "" : "," + layer);
        return ConformanceCase.compare("GetRows", t.name(), params, OpClass.ELEMENTWISE, size, w -> {
            Tensor table = w.weight("table", t, Shape.of(vocab, d), uniform(-1, 1));
            w.run(new Op.GetRows(table, w.input("ids", I32, Shape.of(1, n), Fill.ids(vocab)), w.output(F32, Shape.of(n, d))));
        });
    }
}
