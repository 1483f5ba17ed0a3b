package io.microllm.backend.tornado;

/**
 * fp16 and bf16 conversions that TornadoVM can compile for any OpenCL device. They use integer shifts and float
 * arithmetic only: {@code Float.intBitsToFloat}/{@code floatToRawIntBits} do not compile in TornadoVM 5.2
 * ({@code OCLArithmeticTool.emitReinterpret} is unimplemented), and TornadoVM's {@code half} type needs
 * {@code cl_khr_fp16}, which CPUs under PoCL lack. Every result is exact (round to nearest even when encoding),
 * as {@link Float#float16ToFloat} and {@link Float#floatToFloat16} give, except that every NaN encodes as the
 * positive quiet NaN.
 *
 * <p>Written around three defects of TornadoVM 5.2's OpenCL code generator: it misplaces values that flow out of
 * branches with more than two predecessors, and lowers {@code &&}/{@code ||} of negated comparisons wrongly (so:
 * one exit, selects, no short-circuit operators); and it types a masked value ({@code x & 0xFF}) as unsigned, so a
 * difference that goes negative wraps around (so: no negative integer arithmetic on decoded fields).
 */
final class HalfFloats {
    private HalfFloats() {}

    private static final float SMALLEST_NORMAL_HALF = 6.1035156E-5f; // 2^-14
    private static final float SMALLEST_NORMAL_FLOAT = 1.17549435E-38f; // 2^-126
    private static final float TWO_POW_MINUS_67 = 6.7762636E-21f;
    private static final float TWO_POW_MINUS_66 = 1.3552527E-20f;
    private static final float TWO_POW_67 = 1.4757395E20f;
    private static final float TWO_POW_66 = 7.3786976E19f;

    /** The value of the fp16 bit pattern in the low 16 bits of {@code bits}. */
    static float halfToFloat(int bits) {
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        // (1 + mantissa/1024) · 2^(exponent-15) = (1024 + mantissa) · 2^exponent · 2^-25.
        float v = (1024 + mantissa) * (float) (1L << exponent) * 2.9802322E-8f;
        v = exponent == 0 ? mantissa * 5.9604645E-8f : v; // subnormal: mantissa · 2^-24
        v = exponent == 31 ? (mantissa == 0 ? Float.POSITIVE_INFINITY : nan(mantissa)) : v;
        return (bits & 0x8000) != 0 ? -v : v;
    }

    /** The value of the bf16 bit pattern in the low 16 bits of {@code bits}. */
    static float bf16ToFloat(int bits) {
        int exponent = (bits >> 7) & 0xFF;
        int mantissa = bits & 0x7F;
        // (128 + mantissa) · 2^(exponent-134) = (128 + mantissa) · 2^(exponent mod 32) · (2^-67 · t²)², t = 2^(8·(exponent/32)):
        // every factor exact and positive (1L << 63 would not be), every partial product a normal float.
        float t = (float) (1L << (8 * (exponent >> 5)));
        float v = (128 + mantissa) * (float) (1L << (exponent & 31)) * TWO_POW_MINUS_67 * t * t * TWO_POW_MINUS_67 * t * t;
        v = exponent == 0 ? mantissa * TWO_POW_MINUS_67 * TWO_POW_MINUS_66 : v; // subnormal: mantissa · 2^-133
        v = exponent == 255 ? (mantissa == 0 ? Float.POSITIVE_INFINITY : nan(mantissa)) : v;
        return (bits & 0x8000) != 0 ? -v : v;
    }

    /** The fp16 bit pattern nearest to {@code f} (ties to even). */
    static int floatToHalf(float f) {
        float a = f < 0.0f ? -f : f;
        // Scale a copy clamped to the normal range into [1024, 2048): a mantissa that rounds to 2048 carries
        // into the exponent, which is the right encoding.
        float c = a < SMALLEST_NORMAL_HALF ? SMALLEST_NORMAL_HALF : (a < 65536.0f ? a : 32768.0f);
        int e = 15;
        float p = 32768.0f;
        while (c < p) {
            p *= 0.5f;
            e--;
        }
        int bits = ((e + 15) << 10) + roundHalfEven(c / p * 1024.0f) - 1024;
        bits = a < SMALLEST_NORMAL_HALF ? roundHalfEven(a * 16777216.0f) : bits; // subnormal: units of 2^-24
        bits = a >= 65520.0f ? 0x7C00 : bits; // beyond 65504 after rounding, and infinity
        return f != f ? 0x7E00 : bits | sign(f);
    }

    /** The bf16 bit pattern nearest to {@code f} (ties to even), as ggml's fp32-to-bf16 conversion gives. */
    static int floatToBf16(float f) {
        float a = f < 0.0f ? -f : f;
        float c = a < SMALLEST_NORMAL_FLOAT ? SMALLEST_NORMAL_FLOAT : (a <= Float.MAX_VALUE ? a : 1.0f);
        int e = 0;
        float p = 1.0f;
        while (c >= p * 2.0f) {
            p *= 2.0f;
            e++;
        }
        while (c < p) {
            p *= 0.5f;
            e--;
        }
        int bits = ((e + 127) << 7) + roundHalfEven(c / p * 128.0f) - 128;
        bits = a < SMALLEST_NORMAL_FLOAT ? roundHalfEven(a * TWO_POW_67 * TWO_POW_66) : bits; // float subnormal: units of 2^-133
        bits = a > Float.MAX_VALUE ? 0x7F80 : bits;
        return f != f ? 0x7FC0 : bits | sign(f);
    }

    /** 0x8000 for negative numbers and -0.0 (1 / -0.0 is -infinity), else 0. */
    private static int sign(float f) {
        return (f < 0.0f ? 0x8000 : 0) | (1.0f / f < 0.0f ? 0x8000 : 0);
    }

    /**
     * A NaN made at run time: TornadoVM prints a NaN constant as {@code NaNF}, which OpenCL C does not know.
     * {@code bits · 0} is not folded by the compiler (it would be NaN for an infinite or NaN operand).
     */
    private static float nan(int bits) {
        return Float.POSITIVE_INFINITY * (bits * 0.0f);
    }

    /** {@code m} (non-negative, below 2^23) rounded to the nearest integer, ties to even. */
    private static int roundHalfEven(float m) {
        int i = (int) m;
        float fraction = m - i;
        return i + (fraction > 0.5f ? 1 : 0) + (fraction == 0.5f ? i & 1 : 0);
    }
}
