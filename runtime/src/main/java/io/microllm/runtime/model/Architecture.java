package io.microllm.runtime.model;

import io.microllm.spi.RopeMode;

import java.util.Arrays;

/**
 * The llama-family architectures this runtime runs, by their GGUF {@code general.architecture} name, with what
 * sets them apart. Dense Mistral, SmolLM and TinyLlama files use {@code llama}.
 *
 * @param qkvBias  Q, K and V projections add a bias ({@code attn_q.bias} …)
 * @param qkNorm   each head of Q and K is RMS-normalized before RoPE ({@code attn_q_norm}, {@code attn_k_norm})
 */
public enum Architecture {
    LLAMA("llama", RopeMode.NORM, false, false),
    QWEN2("qwen2", RopeMode.NEOX, true, false),
    QWEN3("qwen3", RopeMode.NEOX, false, true);

    private final String ggufName;
    private final RopeMode ropeMode;
    private final boolean qkvBias;
    private final boolean qkNorm;

    Architecture(String ggufName, RopeMode ropeMode, boolean qkvBias, boolean qkNorm) {
        this.ggufName = ggufName;
        this.ropeMode = ropeMode;
        this.qkvBias = qkvBias;
        this.qkNorm = qkNorm;
    }

    /** The name GGUF metadata keys start with ({@code llama.block_count}). */
    public String ggufName() { return ggufName; }

    public RopeMode ropeMode() { return ropeMode; }

    public boolean qkvBias() { return qkvBias; }

    public boolean qkNorm() { return qkNorm; }

    /** The architecture named {@code name} in {@code general.architecture}; a clear error for any other. */
    public static Architecture of(String name) {
        return Arrays.stream(values()).filter(a -> a.ggufName.equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("unsupported architecture '" + name + "'; supported: "
                        + Arrays.stream(values()).map(Architecture::ggufName).toList()));
    }
}
