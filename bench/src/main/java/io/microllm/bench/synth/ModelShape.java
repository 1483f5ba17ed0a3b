package io.microllm.bench.synth;

import java.util.Arrays;

/** The dimensions of real models, for synthetic stand-ins of the same size and speed. */
public enum ModelShape {
    SMOLLM2_135M("smollm2-135m", "llama", 576, 30, 9, 3, 64, 1536, 49152, 8192, 100000f, 1e-5f),
    QWEN3_0_6B("qwen3-0.6b", "qwen3", 1024, 28, 16, 8, 128, 3072, 151936, 40960, 1000000f, 1e-6f),
    LLAMA_3_2_1B("llama-3.2-1b", "llama", 2048, 16, 32, 8, 64, 8192, 128256, 131072, 500000f, 1e-5f),
    TINY("tiny", "llama", 256, 2, 4, 2, 64, 512, 512, 2048, 10000f, 1e-5f);

    public final String id;
    public final String defaultArch;
    public final int embd, layers, heads, kvHeads, headDim, ff, vocab, context;
    public final float ropeBase, rmsEps;

    ModelShape(String id, String defaultArch, int embd, int layers, int heads, int kvHeads, int headDim, int ff, int vocab,
               int context, float ropeBase, float rmsEps) {
        this.id = id;
        this.defaultArch = defaultArch;
        this.embd = embd;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.ff = ff;
        this.vocab = vocab;
        this.context = context;
        this.ropeBase = ropeBase;
        this.rmsEps = rmsEps;
    }

    public static ModelShape byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown shape '" + id + "'; known: " + Arrays.stream(values()).map(s -> s.id).toList()));
    }

    /** Number of weights, for messages. */
    public long parameters() {
        long attn = (long) embd * heads * headDim * 2 + (long) embd * kvHeads * headDim * 2;
        return (long) vocab * embd + layers * (attn + 3L * embd * ff);
    }
}
