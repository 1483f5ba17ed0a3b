package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.f16;
import static io.microllm.kernels.quant.LittleEndian.i8;
import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.putF16;
import static io.microllm.kernels.quant.LittleEndian.u8;
import static io.microllm.kernels.quant.Rounding.nearestInt;

/**
 * Q6_K: 256 values per 210-byte super-block = ql[128] (low 4 bits), qh[64] (high 2 bits), 16 signed 8-bit scales
 * (one per 16 values), F16 d last. Each half of 128 values h uses ql[64h..64h+63] and qh[32h..32h+31]: value
 * 128h + 32k + l (k = 0..3) has low bits from ql[64h + l + 32(k&1)] (low nibble for k < 2, high for k ≥ 2) and high
 * bits (qh[32h + l] >> 2k) & 3. Value = d·scale·(q - 32).
 */
final class Q6KBlocks {
    private Q6KBlocks() {}

    static final int QK = 256;
    static final int BYTES = 210;

    static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES, dstOffset += QK) {
            float d = f16(src, offset + 208);
            for (int half = 0; half < 2; half++) {
                long ql = offset + 64 * half;
                long qh = offset + 128 + 32 * half;
                long sc = offset + 192 + 8 * half;
                int y = dstOffset + 128 * half;
                for (int l = 0; l < 32; l++) {
                    int is = l / 16;
                    int h = u8(src, qh + l);
                    int q1 = ((u8(src, ql + l) & 0x0F) | (h & 3) << 4) - 32;
                    int q2 = ((u8(src, ql + l + 32) & 0x0F) | (h >> 2 & 3) << 4) - 32;
                    int q3 = ((u8(src, ql + l) >> 4) | (h >> 4 & 3) << 4) - 32;
                    int q4 = ((u8(src, ql + l + 32) >> 4) | (h >> 6 & 3) << 4) - 32;
                    dst[y + l] = d * i8(src, sc + is) * q1;
                    dst[y + l + 32] = d * i8(src, sc + is + 2) * q2;
                    dst[y + l + 64] = d * i8(src, sc + is + 4) * q3;
                    dst[y + l + 96] = d * i8(src, sc + is + 6) * q4;
                }
            }
        }
    }

    /** quantize_row_q6_K_ref: make_qx_quants(nmax 32) per 16 values, 8-bit scales relative to the largest. */
    static void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        int[] levels = new int[QK];
        float[] scales = new float[QK / 16];
        for (int b = 0; b < blocks; b++, offset += BYTES, srcOffset += QK) {
            float maxScale = 0;
            float maxAbsScale = 0;
            for (int ib = 0; ib < QK / 16; ib++) {
                scales[ib] = KQuantSearch.makeQxQuants(16, 32, src, srcOffset + 16 * ib, levels, 16 * ib);
                if (Math.abs(scales[ib]) > maxAbsScale) {
                    maxAbsScale = Math.abs(scales[ib]);
                    maxScale = scales[ib];
                }
            }
            if (maxAbsScale < KQuantSearch.GROUP_MAX_EPS) {
                dst.asSlice(offset, BYTES).fill((byte) 0);
                continue;
            }
            float iscale = -128.0f / maxScale;
            float d = putF16(dst, offset + 208, 1 / iscale);
            for (int ib = 0; ib < QK / 16; ib++) {
                put8(dst, offset + 192 + ib, Math.min(127, nearestInt(iscale * scales[ib])));
            }
            for (int j = 0; j < QK / 16; j++) {
                float sd = d * i8(dst, offset + 192 + j);
                if (sd == 0) continue;
                for (int i = 0; i < 16; i++) {
                    int l = nearestInt(src[srcOffset + 16 * j + i] / sd);
                    levels[16 * j + i] = Math.max(-32, Math.min(31, l)) + 32;
                }
            }
            for (int half = 0; half < 2; half++) {
                long ql = offset + 64 * half;
                long qh = offset + 128 + 32 * half;
                int j = 128 * half;
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[j + l];
                    int q2 = levels[j + l + 32];
                    int q3 = levels[j + l + 64];
                    int q4 = levels[j + l + 96];
                    put8(dst, ql + l, (q1 & 0x0F) | (q3 & 0x0F) << 4);
                    put8(dst, ql + l + 32, (q2 & 0x0F) | (q4 & 0x0F) << 4);
                    put8(dst, qh + l, (q1 >> 4) | (q2 >> 4) << 2 | (q3 >> 4) << 4 | (q4 >> 4) << 6);
                }
            }
        }
    }
}
