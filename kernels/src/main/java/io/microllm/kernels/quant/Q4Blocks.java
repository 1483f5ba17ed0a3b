package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.f16;
import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.putF16;
import static io.microllm.kernels.quant.LittleEndian.u8;

/**
 * Q4_0 and Q4_1: 32 values per block, F16 scale d (Q4_1 also an F16 minimum m), then 16 bytes whose low nibbles
 * hold values 0..15 and high nibbles values 16..31. Q4_0 value = (q - 8)·d, Q4_1 value = q·d + m.
 */
final class Q4Blocks {
    private Q4Blocks() {}

    static final int QK = 32;
    static final int BYTES_0 = 18;
    static final int BYTES_1 = 20;

    static void dequantize0(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_0, dstOffset += QK) {
            float d = f16(src, offset);
            for (int j = 0; j < QK / 2; j++) {
                int q = u8(src, offset + 2 + j);
                dst[dstOffset + j] = ((q & 0x0F) - 8) * d;
                dst[dstOffset + j + QK / 2] = ((q >> 4) - 8) * d;
            }
        }
    }

    static void dequantize1(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_1, dstOffset += QK) {
            float d = f16(src, offset);
            float m = f16(src, offset + 2);
            for (int j = 0; j < QK / 2; j++) {
                int q = u8(src, offset + 4 + j);
                dst[dstOffset + j] = (q & 0x0F) * d + m;
                dst[dstOffset + j + QK / 2] = (q >> 4) * d + m;
            }
        }
    }

    /** quantize_row_q4_0_ref: d = -max/8 where max is the value of largest magnitude, so it maps to -8 exactly. */
    static void quantize0(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_0, srcOffset += QK) {
            float max = Rounding.largestMagnitude(src, srcOffset, QK);
            float d = max / -8;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putF16(dst, offset, d);
            for (int j = 0; j < QK / 2; j++) {
                // C truncates toward zero here ((int8_t) cast), not round-to-nearest: the +8.5 does the rounding.
                int q0 = Math.min(15, (int) (src[srcOffset + j] * id + 8.5f));
                int q1 = Math.min(15, (int) (src[srcOffset + QK / 2 + j] * id + 8.5f));
                put8(dst, offset + 2 + j, q0 | q1 << 4);
            }
        }
    }

    /** quantize_row_q4_1_ref: d = (max - min)/15, m = min. */
    static void quantize1(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_1, srcOffset += QK) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[srcOffset + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / 15;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putF16(dst, offset, d);
            putF16(dst, offset + 2, min);
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(15, (int) ((src[srcOffset + j] - min) * id + 0.5f));
                int q1 = Math.min(15, (int) ((src[srcOffset + QK / 2 + j] - min) * id + 0.5f));
                put8(dst, offset + 4 + j, q0 | q1 << 4);
            }
        }
    }
}
