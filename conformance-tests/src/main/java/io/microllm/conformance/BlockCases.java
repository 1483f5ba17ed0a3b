package io.microllm.conformance;

import io.microllm.conformance.ConformanceCase.Size;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.util.List;

import static io.microllm.conformance.Fill.uniform;
import static io.microllm.spi.TensorType.BF16;
import static io.microllm.spi.TensorType.F16;
import static io.microllm.spi.TensorType.F32;
import static io.microllm.spi.TensorType.Q4_0;
import static io.microllm.spi.TensorType.Q4_K;
import static io.microllm.spi.TensorType.Q5_0;
import static io.microllm.spi.TensorType.Q6_K;
import static io.microllm.spi.TensorType.Q8_0;

/**
 * A whole llama / qwen2 / qwen3 transformer block composed from the SPI's ops, the way a runtime runs it (like ggml's
 * test_llama): only the block's output is compared, at {@link OpClass#BLOCK}. The KV cache holds earlier positions;
 * the block writes its own K and V rows into it with Copy before Attention reads it.
 */
final class BlockCases {
    private BlockCases() {}

    /** Weight types of one block: attention projections, gate/up, and down (Q4_K_M files keep down in Q6_K). */
    record Types(TensorType attn, TensorType ffn, TensorType down, TensorType cache) {
        @Override
        public String toString() { return attn == ffn && ffn == down ? attn.name() : attn + "/" + ffn + "/" + down; }
    }

    static List<ConformanceCase> all() {
        return List.of(
                block(ModelDims.TINY_LLAMA, new Types(Q8_0, Q8_0, Q8_0, F16), 5, 3, Size.SMALL),
                block(ModelDims.TINY_QWEN3, new Types(Q4_0, Q4_0, Q4_0, F32), 3, 0, Size.SMALL),
                block(ModelDims.TINY_QWEN2, new Types(F16, BF16, F32, F16), 1, 9, Size.SMALL),
                block(ModelDims.SMOLLM2_135M, new Types(Q4_0, Q4_0, Q4_0, F16), 7, 0, Size.MODEL),
                block(ModelDims.SMOLLM2_135M, new Types(Q8_0, Q8_0, Q8_0, F16), 1, 31, Size.MODEL),
                block(ModelDims.QWEN25_0_5B, new Types(Q5_0, Q8_0, Q8_0, F16), 5, 10, Size.MODEL),
                block(ModelDims.QWEN3_0_6B, new Types(Q4_K, Q4_K, Q6_K, F16), 5, 2, Size.MODEL),
                block(ModelDims.LLAMA32_1B, new Types(Q4_K, Q4_K, Q6_K, F16), 1, 63, Size.LARGE));
    }

    static ConformanceCase block(ModelDims m, Types types, int n, int position0, Size size) {
        String arch = m.qkNorm() ? "qwen3" : m.qkvBias() ? "qwen2" : "llama";
        String params = arch + "," + m.name() + ",weights=" + types + ",cache=" + types.cache() + ",n=" + n + ",position0=" + position0;
        return ConformanceCase.compare("TransformerBlock", arch, params, OpClass.BLOCK, size, w -> program(w, m, types, n, position0));
    }

    private static void program(Workspace w, ModelDims m, Types t, int n, int position0) {
        int d = m.d(), hd = m.headDim(), qCols = m.qCols(), kvCols = m.kvCols();
        int ctx = position0 + n + 3;
        Shape hidden = Shape.of(n, d);
        Tensor x = w.input("x", F32, hidden, uniform(-1, 1));
        Fill earlier = Fill.cache(position0, uniform(-1, 1), RopeAttentionCases.BEYOND_FILLED);
        Tensor kCache = w.state("k_cache", t.cache(), Shape.of(ctx, kvCols), earlier);
        Tensor vCache = w.state("v_cache", t.cache(), Shape.of(ctx, kvCols), earlier);

        // Attention.
        Tensor h = w.scratch(F32, hidden);
        w.run(new Op.RmsNorm(x, norm(w, "attn_norm", d), m.eps(), h));
        Tensor q = project(w, "wq", t.attn(), h, qCols, m.qkvBias());
        Tensor k = project(w, "wk", t.attn(), h, kvCols, m.qkvBias());
        Tensor v = project(w, "wv", t.attn(), h, kvCols, m.qkvBias());
        if (m.qkNorm()) {
            q = perHeadNorm(w, "q_norm", q, n * m.heads(), m);
            k = perHeadNorm(w, "k_norm", k, n * m.kvHeads(), m);
        }
        Tensor freqs = m.freqFactors() ? w.weight("rope_freqs", F32, Shape.of(1, hd / 2), uniform(1, 8)) : null;
        Tensor qr = w.scratch(F32, Shape.of(n, qCols));
        Tensor kr = w.scratch(F32, Shape.of(n, kvCols));
        w.run(new Op.Rope(q, hd, hd, m.rope(), m.ropeBase(), freqs, position0, qr));
        w.run(new Op.Rope(k, hd, hd, m.rope(), m.ropeBase(), freqs, position0, kr));
        w.run(new Op.Copy(kr, w.view(kCache, position0, Shape.of(n, kvCols))));
        w.run(new Op.Copy(v, w.view(vCache, position0, Shape.of(n, kvCols))));
        Tensor attended = w.scratch(F32, Shape.of(n, qCols));
        w.run(new Op.Attention(qr, kCache, vCache, m.heads(), m.kvHeads(), position0, (float) (1 / Math.sqrt(hd)), attended));
        Tensor x1 = w.scratch(F32, hidden);
        w.run(new Op.Add(x, project(w, "wo", t.attn(), attended, d, false), x1));

        // Feed-forward.
        Tensor h2 = w.scratch(F32, hidden);
        w.run(new Op.RmsNorm(x1, norm(w, "ffn_norm", d), m.eps(), h2));
        Tensor gate = project(w, "w_gate", t.ffn(), h2, m.ff(), false);
        Tensor up = project(w, "w_up", t.ffn(), h2, m.ff(), false);
        Tensor act = w.scratch(F32, Shape.of(n, m.ff()));
        w.run(new Op.SwiGlu(gate, up, act));
        w.run(new Op.Add(x1, project(w, "w_down", t.down(), act, d, false), w.output(F32, hidden)));
    }

    private static Tensor norm(Workspace w, String name, int cols) {
        return w.weight(name, F32, Shape.of(1, cols), uniform(0.5, 1.5));
    }

    /**
     * {@code x · wᵀ (+ bias)} with weights scaled by 1/sqrt(in), as trained models roughly are, so activations
     * stay near unit size through the block instead of growing with the width.
     */
    private static Tensor project(Workspace w, String name, TensorType type, Tensor x, int out, boolean bias) {
        int in = x.shape().cols();
        double a = Math.sqrt(3.0 / in);
        Tensor weight = w.weight(name, type, Shape.of(out, in), uniform(-a, a));
        Tensor b = bias ? w.weight(name + ".bias", F32, Shape.of(1, out), uniform(-0.5, 0.5)) : null;
        Tensor dst = w.scratch(F32, Shape.of(x.shape().rows(), out));
        w.run(new Op.MatMul(weight, x, b, dst));
        return dst;
    }

    /** Qwen3's RmsNorm of each head: [n, heads·headDim] viewed as [n·heads, headDim]. */
    private static Tensor perHeadNorm(Workspace w, String name, Tensor x, int rows, ModelDims m) {
        Shape perHead = Shape.of(rows, m.headDim());
        Tensor normed = w.scratch(F32, x.shape());
        w.run(new Op.RmsNorm(w.view(x, 0, perHead), norm(w, name, m.headDim()), m.eps(), w.view(normed, 0, perHead)));
        return normed;
    }
}
