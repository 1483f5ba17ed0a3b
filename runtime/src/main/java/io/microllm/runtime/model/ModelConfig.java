package io.microllm.runtime.model;

import io.microllm.runtime.gguf.GgufFile;

/**
 * The hyper-parameters of a model, read from GGUF metadata ({@code <arch>.*} keys, with llama.cpp's defaults for
 * optional ones).
 *
 * @param embeddingLength    width of the residual stream
 * @param headDim            per-head width of Q, K and V ({@code attention.key_length})
 * @param contextLength      the context the model was trained for ({@code <arch>.context_length})
 * @param ropeDimensionCount how many dims of each head RoPE rotates
 * @param ropeScale          linear RoPE scaling factor (positions are divided by it); 1 = none
 * @param vocabSize          rows of {@code token_embd.weight}, i.e. logits per token
 */
public record ModelConfig(Architecture architecture, String name, int embeddingLength, int blockCount, int headCount,
                          int headCountKv, int headDim, int feedForwardLength, int contextLength, float ropeFreqBase,
                          int ropeDimensionCount, float ropeScale, float rmsEps, int vocabSize) {

    public ModelConfig {
        check(embeddingLength > 0 && blockCount > 0 && headCount > 0 && feedForwardLength > 0 && contextLength > 0 && vocabSize > 0,
                "sizes must be positive");
        check(headCountKv > 0 && headCount % headCountKv == 0,
                "attention.head_count " + headCount + " must be a multiple of head_count_kv " + headCountKv);
        check(headDim > 0, "head dimension must be positive");
        check(ropeDimensionCount > 0 && ropeDimensionCount <= headDim && ropeDimensionCount % 2 == 0,
                "rope.dimension_count " + ropeDimensionCount + " must be even and at most the head dimension " + headDim);
        check(ropeFreqBase > 0 && ropeScale > 0 && rmsEps >= 0, "rope base, rope scale and rms eps must be positive");
    }

    /** Reads the config of {@code gguf}; errors name the missing or unsupported key. */
    public static ModelConfig from(GgufFile gguf) {
        Architecture arch = Architecture.of(gguf.getString("general.architecture"));
        String p = arch.ggufName() + ".";
        int embedding = gguf.getInt(p + "embedding_length");
        int heads = gguf.getInt(p + "attention.head_count");
        int kvHeads = gguf.has(p + "attention.head_count_kv") ? gguf.getInt(p + "attention.head_count_kv") : heads;
        int keyLength = gguf.has(p + "attention.key_length") ? gguf.getInt(p + "attention.key_length") : embedding / heads;
        int valueLength = gguf.has(p + "attention.value_length") ? gguf.getInt(p + "attention.value_length") : keyLength;
        if (keyLength != valueLength) {
            throw new IllegalArgumentException("attention.key_length " + keyLength + " != value_length " + valueLength + " is not supported");
        }
        int vocab = gguf.findTensor("token_embd.weight").map(t -> t.shape().rows())
                .orElseThrow(() -> new IllegalArgumentException("model has no tensor token_embd.weight"));
        return new ModelConfig(arch, gguf.find("general.name").map(Object::toString).orElse(""),
                embedding, gguf.getInt(p + "block_count"), heads, kvHeads, keyLength,
                gguf.getInt(p + "feed_forward_length"), gguf.getInt(p + "context_length"),
                gguf.has(p + "rope.freq_base") ? gguf.getFloat(p + "rope.freq_base") : 10000f,
                gguf.has(p + "rope.dimension_count") ? gguf.getInt(p + "rope.dimension_count") : keyLength,
                ropeScale(gguf, p), gguf.getFloat(p + "attention.layer_norm_rms_epsilon"), vocab);
    }

    /** Linear scaling becomes a constant frequency factor; other schemes (YaRN …) are refused rather than ignored. */
    private static float ropeScale(GgufFile gguf, String p) {
        String type = gguf.has(p + "rope.scaling.type") ? gguf.getString(p + "rope.scaling.type") : "none";
        float factor = gguf.has(p + "rope.scaling.factor") ? gguf.getFloat(p + "rope.scaling.factor") : 1f;
        if (type.equals("none") || factor == 1f || factor == 0f) return 1f;
        if (type.equals("linear")) return factor;
        throw new IllegalArgumentException("RoPE scaling type '" + type + "' is not supported (only linear)");
    }

    /** Width of all query heads together. */
    public int queryDim() { return headCount * headDim; }

    /** Width of all key (and value) heads together. */
    public int kvDim() { return headCountKv * headDim; }

    private static void check(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException("bad model config: " + message);
    }
}
