package io.microllm.conformance;

/**
 * Error bounds by kind of op, as normalized mean squared error {@code Σ(a−b)²/Σa²} against the reference: the
 * numbers ggml's test-backend-ops uses (its default, soft_max, mul_mat, flash_attn_ext and test_llama bounds).
 */
public enum OpClass {
    /** Elementwise ops, RmsNorm, Rope, GetRows and Copy: only rounding differences are allowed. */
    ELEMENTWISE(1e-7),
    /** Softmax: exp approximations and reduction order. */
    SOFTMAX(1e-6),
    /** MatMul with any weight type: backends may quantize activations (like ggml's q8 dot products). */
    MATMUL(5e-4),
    /** Attention: matmuls, softmax and an F16 cache. */
    ATTENTION(5e-4),
    /** A whole transformer block composed from ops: errors compound over a dozen ops. */
    BLOCK(2e-3),
    /** Integer outputs (Argmax): must be identical. */
    EXACT(0),
    /** Bad input: the backend must throw IllegalArgumentException and write nothing. */
    REJECT(0);

    private final double maxNmse;

    OpClass(double maxNmse) { this.maxNmse = maxNmse; }

    /** The largest NMSE that passes. */
    public double maxNmse() { return maxNmse; }
}
