package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.INT;
import static io.microllm.kernels.quant.LittleEndian.f16;
import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.putF16;
import static io.microllm.kernels.quant.LittleEndian.u8;

/**
 * Q5_0 and Q5_1: like Q4_0/Q4_1 with a fifth bit per value in a 32-bit little-endian word qh (bit j for value j)
 * stored after the scale(s). Layout: d [m] qh[4] qs[16]. Q5_0 value = (q - 16)·d, Q5_1 value = q·d + m.
 */
final class Q5Blocks {
    private Q5Blocks() {}

    static final int QK = 32;
    static final int BYTES_0 = 22;
    static final int BYTES_1 = 24;

    static void dequantize0(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_0, dstOffset += QK) {
            float d = f16(src, offset);
            int qh = src.get(INT, offset + 2);
            for (int j = 0; j < QK / 2; j++) {
                int q = u8(src, offset + 6 + j);
                int x0 = ((q & 0x0F) | ((qh >>> j) << 4 & 0x10)) - 16;
                int x1 = ((q >> 4) | ((qh >>> (j + 12)) & 0x10)) - 16;
                dst[dstOffset + j] = x0 * d;
                dst[dstOffset + j + QK / 2] = x1 * d;
            }
        }
    }

    static void dequantize1(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_1, dstOffset += QK) {
            float d = f16(src, offset);
            float m = f16(src, offset + 2);
            int qh = src.get(INT, offset + 4);
            for (int j = 0; j < QK / 2; j++) {
                int q = u8(src, offset + 8 + j);
                int x0 = (q & 0x0F) | ((qh >>> j) << 4 & 0x10);
                int x1 = (q >> 4) | ((qh >>> (j + 12)) & 0x10);
                dst[dstOffset + j] = x0 * d + m;
                dst[dstOffset + j + QK / 2] = x1 * d + m;
            }
        }
    }

    /** quantize_row_q5_0_ref: d = -max/16 where max is the value of largest magnitude. */
    static void quantize0(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_0, srcOffset += QK) {
            float max = Rounding.largestMagnitude(src, srcOffset, QK);
            float d = max / -16;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putF16(dst, offset, d);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q0 = Math.min(31, (int) (src[srcOffset + j] * id + 16.5f));
                int q1 = Math.min(31, (int) (src[srcOffset + QK / 2 + j] * id + 16.5f));
                put8(dst, offset + 6 + j, (q0 & 0x0F) | (q1 & 0x0F) << 4);
                qh |= (q0 >> 4 & 1) << j | (q1 >> 4 & 1) << (j + QK / 2);
            }
            dst.set(INT, offset + 2, qh);
        }
    }

    /** quantize_row_q5_1_ref: d = (max - min)/31, m = min. */
    static void quantize1(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES_1, srcOffset += QK) {
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int j = 0; j < QK; j++) {
                float v = src[srcOffset + j];
                if (v < min) min = v;
                if (v > max) max = v;
            }
            float d = (max - min) / 31;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putF16(dst, offset, d);
            putF16(dst, offset + 2, min);
            int qh = 0;
            for (int j = 0; j < QK / 2; j++) {
                int q0 = (int) ((src[srcOffset + j] - min) * id + 0.5f) & 0xFF;
                int q1 = (int) ((src[srcOffset + QK / 2 + j] - min) * id + 0.5f) & 0xFF;
                put8(dst, offset + 8 + j, (q0 & 0x0F) | (q1 & 0x0F) << 4);
                qh |= (q0 >> 4 & 1) << j | (q1 >> 4 & 1) << (j + QK / 2);
            }
            dst.set(INT, offset + 4, qh);
        }
    }
}
