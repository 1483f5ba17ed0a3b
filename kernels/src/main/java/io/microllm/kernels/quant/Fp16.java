package io.microllm.kernels.quant;

/** IEEE 754 half precision conversions, bit-compatible with ggml's GGML_FP16_TO_FP32 / GGML_FP32_TO_FP16. */
public final class Fp16 {
    private Fp16() {}

    public static float toFloat(short h) { return Float.float16ToFloat(h); }

    /** Rounds to nearest even; too large values become infinity, like ggml (and F16C's vcvtps2ph). */
    public static short fromFloat(float f) { return Float.floatToFloat16(f); }
}
