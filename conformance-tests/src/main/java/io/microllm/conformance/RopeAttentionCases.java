package io.microllm.conformance;

import io.microllm.conformance.ConformanceCase.Size;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.util.ArrayList;
import java.util.List;

import static io.microllm.conformance.Fill.uniform;
import static io.microllm.spi.TensorType.F16;
import static io.microllm.spi.TensorType.F32;

/** Rope in both modes, with and without frequency factors, at several positions; Attention with GQA and both cache types. */
final class RopeAttentionCases {
    private RopeAttentionCases() {}

    /** What a KV cache holds past the filled rows: large enough that reading it changes the answer visibly. */
    static final float BEYOND_FILLED = 60f;

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        rope(cases);
        attention(cases);
        return cases;
    }

    private static void rope(List<ConformanceCase> cases) {
        for (RopeMode mode : RopeMode.values()) {
            cases.add(ropeCase(mode, 1, 1, 2, 2, 10_000f, false, 0, Size.SMALL, null));
            cases.add(ropeCase(mode, 3, 3, 6, 4, 10_000f, false, 5, Size.SMALL, null));       // nRot < headDim: the rest passes through
            cases.add(ropeCase(mode, 5, 3, 7, 6, 10_000f, true, 17, Size.SMALL, null));       // odd headDim, odd row length 21
            cases.add(ropeCase(mode, 7, 2, 10, 10, 500_000f, true, 1, Size.SMALL, null));
            cases.add(ropeCase(mode, 3, 4, 32, 32, 10_000f, false, 1000, Size.SMALL, null));
        }
        Shape v = Shape.of(3, 4 * 32);
        cases.add(ConformanceCase.compare("Rope", "NEOX", "mode=NEOX,x=" + v + " view at row 2,headDim=32,nRot=32,base=10000,position0=7",
                OpClass.ELEMENTWISE, Size.SMALL, w -> w.run(new Op.Rope(w.inputView("x", F32, v, 2, uniform(-1, 1)), 32, 32, RopeMode.NEOX,
                        10_000f, null, 7, w.output(F32, v)))));
        for (ModelDims m : List.of(ModelDims.SMOLLM2_135M, ModelDims.QWEN3_0_6B, ModelDims.LLAMA32_1B)) {
            cases.add(ropeCase(m.rope(), 7, m.heads(), m.headDim(), m.headDim(), m.ropeBase(), m.freqFactors(), 0, Size.MODEL, m.name() + " q"));
            cases.add(ropeCase(m.rope(), 1, m.kvHeads(), m.headDim(), m.headDim(), m.ropeBase(), m.freqFactors(), 4000, Size.MODEL, m.name() + " k"));
            // The other mode and the frequency factors flipped, on the same shape.
            RopeMode other = m.rope() == RopeMode.NORM ? RopeMode.NEOX : RopeMode.NORM;
            cases.add(ropeCase(other, 5, m.heads(), m.headDim(), m.headDim(), m.ropeBase(), !m.freqFactors(), 123, Size.MODEL, m.name() + " q"));
        }
    }

    private static ConformanceCase ropeCase(RopeMode mode, int n, int heads, int headDim, int nRot, float base, boolean factors,
                                            int position0, Size size, String layer) {
        Shape s = Shape.of(n, heads * headDim);
        String params = "mode=" + mode + ",x=" + s + ",headDim=" + headDim + ",nRot=" + nRot + ",base=" + (long) base
                + (factors ? ",freqFactors" : "") + ",position0=" + position0 + (layer == null ? "" : "," + layer);
        return ConformanceCase.compare("Rope", mode.name(), params, OpClass.ELEMENTWISE, size, w -> {
            // Llama-3 scales low frequencies down by up to 8.
            Tensor ff = factors ? w.weight("freqFactors", F32, Shape.of(1, nRot / 2), uniform(1, 8)) : null;
            w.run(new Op.Rope(w.input("x", F32, s, uniform(-1, 1)), headDim, nRot, mode, base, ff, position0, w.output(F32, s)));
        });
    }

    private static void attention(List<ConformanceCase> cases) {
        for (TensorType cache : List.of(F32, F16)) {
            cases.add(attentionCase(cache, 1, 1, 1, 1, 0, 1, 1f, Size.SMALL, null));
            cases.add(attentionCase(cache, 3, 1, 7, 5, 0, 8, 0.378f, Size.SMALL, null));     // GQA 3:1, causal prompt
            cases.add(attentionCase(cache, 4, 4, 33, 1, 20, 31, 0.174f, Size.SMALL, null));  // MHA, one token after 20
            cases.add(attentionCase(cache, 6, 2, 16, 3, 7, 16, 1f, Size.SMALL, null));       // batch after a prefix
        }
        for (TensorType cache : List.of(F32, F16)) cases.add(sharedCacheAttention(cache));
        ModelDims smol = ModelDims.SMOLLM2_135M, qwen = ModelDims.QWEN3_0_6B, llama = ModelDims.LLAMA32_1B;
        cases.add(modelAttention(smol, F16, 7, 0, 64));
        cases.add(modelAttention(smol, F16, 1, 1023, 1024));
        cases.add(modelAttention(qwen, F32, 9, 0, 16));
        cases.add(modelAttention(qwen, F16, 1, 4000, 4096));
        cases.add(modelAttention(llama, F16, 13, 100, 128));
        cases.add(modelAttention(llama, F32, 1, 2047, 2048));
    }

    /** One layer's K and V as views at row {@code layer·ctx} of caches shared by all layers. */
    private static ConformanceCase sharedCacheAttention(TensorType cache) {
        int heads = 4, kvHeads = 2, headDim = 16, n = 3, position0 = 5, ctx = 12, layer = 2;
        String params = "cache=" + cache + ",heads=4/2,headDim=16,n=3,position0=5,ctx=12,k/v views of layer 2 of a shared cache";
        return ConformanceCase.compare("Attention", cache.name(), params, OpClass.ATTENTION, Size.SMALL, w -> {
            Shape kv = Shape.of(ctx, kvHeads * headDim);
            Fill filled = Fill.cache(layer * ctx + position0 + n, uniform(-1, 1), BEYOND_FILLED);
            Tensor k = w.inputView("k", cache, kv, layer * ctx, filled);
            Tensor v = w.inputView("v", cache, kv, layer * ctx, filled);
            Shape q = Shape.of(n, heads * headDim);
            w.run(new Op.Attention(w.input("q", F32, q, uniform(-1, 1)), k, v, heads, kvHeads, position0, 0.25f, w.output(F32, q)));
        });
    }

    private static ConformanceCase modelAttention(ModelDims m, TensorType cache, int n, int position0, int ctx) {
        return attentionCase(cache, m.heads(), m.kvHeads(), m.headDim(), n, position0, ctx, (float) (1 / Math.sqrt(m.headDim())),
                Size.MODEL, m.name());
    }

    private static ConformanceCase attentionCase(TensorType cache, int heads, int kvHeads, int headDim, int n, int position0, int ctx,
                                                 float scale, Size size, String model) {
        String params = "cache=" + cache + ",heads=" + heads + "/" + kvHeads + ",headDim=" + headDim + ",n=" + n
                + ",position0=" + position0 + ",ctx=" + ctx + ",scale=" + scale + (model == null ? "" : "," + model);
        return ConformanceCase.compare("Attention", cache.name(), params, OpClass.ATTENTION, size, w -> {
            Shape q = Shape.of(n, heads * headDim);
            Shape kv = Shape.of(ctx, kvHeads * headDim);
            Fill filled = Fill.cache(position0 + n, uniform(-1, 1), BEYOND_FILLED);
            Tensor k = w.input("k", cache, kv, filled);
            Tensor v = w.input("v", cache, kv, filled);
            w.run(new Op.Attention(w.input("q", F32, q, uniform(-1, 1)), k, v, heads, kvHeads, position0, scale, w.output(F32, q)));
        });
    }
}
