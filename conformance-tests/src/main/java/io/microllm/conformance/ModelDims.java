package io.microllm.conformance;

import io.microllm.spi.RopeMode;

/**
 * Layer dimensions of the micro models microllm targets (from their config.json / GGUF metadata), plus tiny
 * stand-ins with the same structure for quick runs.
 *
 * @param qkvBias      Q, K and V projections have a bias (qwen2)
 * @param qkNorm       per-head RmsNorm of Q and K before RoPE (qwen3)
 * @param freqFactors  llama3-style RoPE frequency factors (Llama-3.2)
 */
record ModelDims(String name, int d, int ff, int heads, int kvHeads, int headDim, int vocab, RopeMode rope,
                 float ropeBase, float eps, boolean qkvBias, boolean qkNorm, boolean freqFactors) {

    static final ModelDims SMOLLM2_135M = new ModelDims("SmolLM2-135M", 576, 1536, 9, 3, 64, 49152, RopeMode.NORM, 100_000f, 1e-5f, false, false, false);
    static final ModelDims QWEN3_0_6B = new ModelDims("Qwen3-0.6B", 1024, 3072, 16, 8, 128, 151936, RopeMode.NEOX, 1_000_000f, 1e-6f, false, true, false);
    static final ModelDims LLAMA32_1B = new ModelDims("Llama-3.2-1B", 2048, 8192, 32, 8, 64, 128256, RopeMode.NORM, 500_000f, 1e-5f, false, false, true);
    static final ModelDims QWEN25_0_5B = new ModelDims("Qwen2.5-0.5B", 896, 4864, 14, 2, 64, 151936, RopeMode.NEOX, 1_000_000f, 1e-6f, true, false, false);

    static final ModelDims TINY_LLAMA = new ModelDims("tiny-llama", 64, 96, 4, 2, 16, 256, RopeMode.NORM, 10_000f, 1e-5f, false, false, true);
    static final ModelDims TINY_QWEN3 = new ModelDims("tiny-qwen3", 128, 256, 4, 2, 32, 256, RopeMode.NEOX, 1_000_000f, 1e-6f, false, true, false);
    static final ModelDims TINY_QWEN2 = new ModelDims("tiny-qwen2", 96, 160, 6, 2, 16, 256, RopeMode.NEOX, 1_000_000f, 1e-6f, true, false, false);

    int qCols() { return heads * headDim; }

    int kvCols() { return kvHeads * headDim; }
}
