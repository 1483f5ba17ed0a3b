package io.microllm.kernels.quant;

/** bfloat16 (the upper 16 bits of an IEEE float) conversions, bit-compatible with ggml. */
public final class Bf16 {
    private Bf16() {}

    public static float toFloat(short h) { return Float.intBitsToFloat((h & 0xFFFF) << 16); }

    /** Rounds to nearest even; NaN stays NaN (made quiet), like ggml_compute_fp32_to_bf16. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7FFFFFFF) > 0x7F800000) return (short) ((bits >>> 16) | 64);
        return (short) ((bits + (0x7FFF + ((bits >>> 16) & 1))) >>> 16);
    }
}
