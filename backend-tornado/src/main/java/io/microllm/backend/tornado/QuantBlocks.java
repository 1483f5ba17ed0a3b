package io.microllm.backend.tornado;

import uk.ac.manchester.tornado.api.types.arrays.ByteArray;

/**
 * Device-side decoding of GGUF quant blocks, read in place from the byte heap. Every type is seen as 32-value
 * units (a 32-block, or one of the 8 units of a 256-value K-quant super-block) with one affine form per unit,
 * value = scale·level + min, so the matmul can factor the scale out of each unit's dot product. Q6_K is the
 * exception: its scale changes every 16 values ({@link #q6Scale}). Formats as in ggml's {@code ggml-quants.c};
 * type codes are GGUF type ids ({@link io.microllm.spi.TensorType#ggufId()}).
 *
 * <p>Kernels call these with a constant type, so the compiler keeps only that type's code. The functions are split
 * by family (32-value blocks, Q4_K/Q5_K, Q6_K) because TornadoVM counts a callee's nodes before specializing it to
 * its constant arguments and refuses to inline one of more than 600 nodes; and they follow the rules that
 * {@link HalfFloats} explains for TornadoVM 5.2's OpenCL code generator.
 */
final class QuantBlocks {
    private QuantBlocks() {}

    static final int Q4_0 = 2;
    static final int Q4_1 = 3;
    static final int Q5_0 = 6;
    static final int Q5_1 = 7;
    static final int Q8_0 = 8;
    static final int Q4_K = 12;
    static final int Q5_K = 13;
    static final int Q6_K = 14;

    /**
     * 32-value block types (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0): the level of value {@code l}. Offsets are subtracted
     * in float: TornadoVM types masked bytes as unsigned, so an integer difference would wrap.
     */
    static float level32(int type, ByteArray b, int block, int l) {
        float v;
        switch (type) {
            case Q4_0 -> v = nibble(b, block + 2, l) - 8.0f;
            case Q4_1 -> v = nibble(b, block + 4, l);
            case Q5_0 -> v = (nibble(b, block + 6, l) | highBit(b, block + 2, l) << 4) - 16.0f;
            case Q5_1 -> v = nibble(b, block + 8, l) | highBit(b, block + 4, l) << 4;
            default -> v = b.get(block + 2 + l);
        }
        return v;
    }

    /** 32-value block types: the block's scale d. */
    static float scale32(ByteArray b, int block) {
        return half(b, block);
    }

    /** 32-value block types: the block's additive term (m for Q4_1 and Q5_1, else 0). */
    static float min32(int type, ByteArray b, int block) {
        return type == Q4_1 || type == Q5_1 ? half(b, block + 2) : 0.0f;
    }

    /** Q4_K and Q5_K: the level (0..31) of value {@code l} of a unit. */
    static int levelK(int type, ByteArray b, int block, int unit, int l) {
        int v = kNibble(b, block + (type == Q4_K ? 16 : 48), unit, l);
        return type == Q4_K ? v : v | ((u8(b, block + 16 + l) >> unit) & 1) << 4;
    }

    /** Q4_K and Q5_K: a unit's scale, d · 6-bit sub-block scale. */
    static float scaleK(ByteArray b, int block, int unit) {
        return half(b, block) * kScale(b, block + 4, unit);
    }

    /** Q4_K and Q5_K: a unit's additive term, -dmin · 6-bit sub-block min. */
    static float minK(ByteArray b, int block, int unit) {
        return -(half(b, block + 2) * kMin(b, block + 4, unit));
    }

    /** Q6_K: the super-block's d. */
    static float q6D(ByteArray b, int block) {
        return half(b, block + 208);
    }

    /** Q6_K's signed 8-bit scale of value {@code l} of a unit (one scale per 16 values). */
    static int q6Scale(ByteArray b, int block, int unit, int l) {
        return b.get(block + 192 + 8 * (unit >> 2) + 2 * (unit & 3) + (l >> 4));
    }

    /** Q6_K level (q - 32, subtracted in float) of value l of a unit: unit u is value group u &amp; 3 of half u / 4. */
    static float q6Level(ByteArray b, int block, int unit, int l) {
        int half = unit >> 2;
        int group = unit & 3;
        int low = (u8(b, block + 64 * half + 32 * (group & 1) + l) >> (4 * (group >> 1))) & 0xF;
        int high = (u8(b, block + 128 + 32 * half + l) >> (2 * group)) & 3;
        return (low | high << 4) - 32.0f;
    }

    /** 32-blocks: value l &lt; 16 is the low nibble of byte l, value l ≥ 16 the high nibble of byte l - 16. */
    private static int nibble(ByteArray b, int qs, int l) {
        int q = u8(b, qs + (l & 15));
        return l < 16 ? q & 0xF : q >> 4;
    }

    /** Bit l of the little-endian 32-bit high-bit mask at {@code qh}. */
    private static int highBit(ByteArray b, int qh, int l) {
        return (u8(b, qh + (l >> 3)) >> (l & 7)) & 1;
    }

    /** Q4_K/Q5_K: unit 2c takes the low nibbles of the 32 bytes of chunk c, unit 2c + 1 the high nibbles. */
    private static int kNibble(ByteArray b, int qs, int unit, int l) {
        int q = u8(b, qs + 32 * (unit >> 1) + l);
        return (unit & 1) == 0 ? q & 0xF : q >> 4;
    }

    /**
     * get_scale_min_k4: the 6-bit scale of sub-block j from the 12 scale bytes at {@code s}. All three bytes are
     * read whatever j (s + j - 4 is still inside the block) so that the choice is a select.
     */
    private static int kScale(ByteArray b, int s, int j) {
        int low = u8(b, s + j);
        int high = u8(b, s + j + 4);
        int before = u8(b, s + j - 4);
        return j < 4 ? low & 63 : (high & 0xF) | (before >> 6) << 4;
    }

    /** get_scale_min_k4: the 6-bit min of sub-block j. */
    private static int kMin(ByteArray b, int s, int j) {
        int low = u8(b, s + j);
        int high = u8(b, s + j + 4);
        return j < 4 ? high & 63 : (high >> 4) | (low >> 6) << 4;
    }

    private static float half(ByteArray b, int at) {
        return HalfFloats.halfToFloat(u8(b, at) | u8(b, at + 1) << 8);
    }

    private static int u8(ByteArray b, int at) {
        return b.get(at) & 0xFF;
    }
}
