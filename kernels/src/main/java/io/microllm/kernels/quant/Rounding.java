package io.microllm.kernels.quant;

/** The C rounding functions ggml's quantizers use, reproduced exactly so our blocks equal llama-quantize's. */
final class Rounding {
    private Rounding() {}

    /** C {@code roundf}: halves away from zero (Math.round would round -2.5 to -2). */
    static int roundf(float x) {
        return (int) Math.copySign(Math.floor(Math.abs((double) x) + 0.5), x);
    }

    /**
     * ggml's {@code nearest_int}: adding 1.5·2^23 makes the float unit round the value to an integer (ties to even),
     * which then sits in the low mantissa bits. Valid for |x| < 2^22.
     */
    static int nearestInt(float x) {
        int bits = Float.floatToRawIntBits(x + 12582912.0f);
        return (bits & 0x007FFFFF) - 0x00400000;
    }

    /** The value of largest magnitude in src[from..from+n), sign kept; the first one wins ties (as in ggml). */
    static float largestMagnitude(float[] src, int from, int n) {
        float amax = 0, max = 0;
        for (int j = from; j < from + n; j++) {
            if (amax < Math.abs(src[j])) {
                amax = Math.abs(src[j]);
                max = src[j];
            }
        }
        return max;
    }
}
