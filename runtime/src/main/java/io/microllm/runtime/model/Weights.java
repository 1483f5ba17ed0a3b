package io.microllm.runtime.model;

import io.microllm.runtime.exec.Executor;
import io.microllm.runtime.exec.LogicalTensor;
import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.gguf.GgufTensorInfo;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's tensors under llama.cpp's names, checked against the config. Matrices keep the file's type and stay
 * in the memory mapping; norm weights, biases and RoPE factors are F32 (converted from F16/BF16 if stored so).
 *
 * @param output     {@code output.weight}, or the token embedding when the model ties them
 * @param ropeFactors per-frequency divisors for RoPE ({@code rope_freqs.weight} times a linear scale), or null
 */
record Weights(LogicalTensor tokenEmbedding, LogicalTensor outputNorm, LogicalTensor output, LogicalTensor ropeFactors,
               List<Layer> layers) {

    /** One transformer block. Biases and Q/K norms are null where the architecture has none. */
    record Layer(LogicalTensor attnNorm, LogicalTensor wq, LogicalTensor wk, LogicalTensor wv,
                 LogicalTensor bq, LogicalTensor bk, LogicalTensor bv, LogicalTensor qNorm, LogicalTensor kNorm,
                 LogicalTensor wo, LogicalTensor ffnNorm, LogicalTensor gate, LogicalTensor up, LogicalTensor down) {}

    /** Host copies (F32 conversions) live in {@code arena}, which must outlive the executor. */
    static Weights load(GgufFile gguf, ModelConfig c, Executor ex, Arena arena) {
        Loader l = new Loader(gguf, ex, arena);
        int d = c.embeddingLength(), q = c.queryDim(), kv = c.kvDim(), ff = c.feedForwardLength();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.blockCount(); i++) {
            String b = "blk." + i + ".";
            boolean bias = c.architecture().qkvBias(), norm = c.architecture().qkNorm();
            layers.add(new Layer(
                    l.vector(b + "attn_norm.weight", d),
                    l.matrix(b + "attn_q.weight", q, d), l.matrix(b + "attn_k.weight", kv, d), l.matrix(b + "attn_v.weight", kv, d),
                    bias ? l.vector(b + "attn_q.bias", q) : null, bias ? l.vector(b + "attn_k.bias", kv) : null,
                    bias ? l.vector(b + "attn_v.bias", kv) : null,
                    norm ? l.vector(b + "attn_q_norm.weight", c.headDim()) : null,
                    norm ? l.vector(b + "attn_k_norm.weight", c.headDim()) : null,
                    l.matrix(b + "attn_output.weight", d, q),
                    l.vector(b + "ffn_norm.weight", d),
                    l.matrix(b + "ffn_gate.weight", ff, d), l.matrix(b + "ffn_up.weight", ff, d), l.matrix(b + "ffn_down.weight", d, ff)));
        }
        LogicalTensor embedding = l.matrix("token_embd.weight", c.vocabSize(), d);
        LogicalTensor output = gguf.findTensor("output.weight").isPresent() ? l.matrix("output.weight", c.vocabSize(), d) : embedding;
        return new Weights(embedding, l.vector("output_norm.weight", d), output, l.ropeFactors(c), List.copyOf(layers));
    }

    private record Loader(GgufFile gguf, Executor ex, Arena arena) {

        LogicalTensor matrix(String name, int rows, int cols) {
            GgufTensorInfo t = find(name);
            expectShape(t, Shape.of(rows, cols));
            return ex.weight(name, t.type(), t.shape(), gguf.data(t));
        }

        LogicalTensor vector(String name, int length) {
            GgufTensorInfo t = find(name);
            expectShape(t, Shape.of(1, length));
            return ex.weight(name, TensorType.F32, t.shape(), toF32(t));
        }

        /** rope_freqs.weight (Llama 3.1 style) and a linear scale both divide the frequencies, so they combine. */
        LogicalTensor ropeFactors(ModelConfig c) {
            int n = c.ropeDimensionCount() / 2;
            var stored = gguf.findTensor("rope_freqs.weight");
            if (stored.isEmpty() && c.ropeScale() == 1f) return null;
            MemorySegment factors;
            if (stored.isPresent()) {
                expectShape(stored.get(), Shape.of(1, n));
                factors = arena.allocate(4L * n, 64).copyFrom(toF32(stored.get()));
            } else {
                factors = arena.allocate(4L * n, 64);
                for (int j = 0; j < n; j++) factors.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j, 1f);
            }
            for (int j = 0; j < n; j++) {
                factors.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j, factors.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j) * c.ropeScale());
            }
            return ex.weight("rope_freqs.weight", TensorType.F32, Shape.of(1, n), factors);
        }

        private GgufTensorInfo find(String name) {
            return gguf.findTensor(name).orElseThrow(() -> new IllegalArgumentException(
                    "model " + gguf.path().getFileName() + " lacks tensor '" + name + "'"));
        }

        private static void expectShape(GgufTensorInfo t, Shape expected) {
            if (!t.shape().equals(expected)) {
                throw new IllegalArgumentException("tensor '" + t.name() + "' has shape " + t.shape() + ", the config needs " + expected);
            }
        }

        private MemorySegment toF32(GgufTensorInfo t) {
            MemorySegment src = gguf.data(t);
            if (t.type() == TensorType.F32) return src;
            long n = t.elements();
            MemorySegment dst = arena.allocate(4 * n, 64);
            for (long i = 0; i < n; i++) {
                short h = src.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                float f = switch (t.type()) {
                    case F16 -> Float.float16ToFloat(h);
                    case BF16 -> Float.intBitsToFloat(h << 16);
                    default -> throw new IllegalArgumentException("tensor '" + t.name() + "' must be F32, F16 or BF16, got " + t.type());
                };
                dst.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, f);
            }
            return dst;
        }
    }
}
