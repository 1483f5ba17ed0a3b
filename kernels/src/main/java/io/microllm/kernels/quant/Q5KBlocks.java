package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.f16;
import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.u8;

/**
 * Q5_K: 256 values per 176-byte super-block = F16 d, F16 dmin, 12 bytes of 6-bit scales/mins ({@link ScaleMinK4}),
 * qh[32], qs[128]. Like Q4_K, plus a fifth bit: value 64c+l takes bit 2c of qh[l], value 64c+32+l bit 2c+1.
 * Value = d·sc·q - dmin·m.
 */
final class Q5KBlocks {
    private Q5KBlocks() {}

    static final int QK = 256;
    static final int BYTES = 176;

    static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES, dstOffset += QK) {
            float d = f16(src, offset);
            float dmin = f16(src, offset + 2);
            long scales = offset + 4;
            long qh = offset + 16;
            long qs = offset + 48;
            int y = dstOffset;
            for (int chunk = 0; chunk < 4; chunk++, qs += 32) {
                float d1 = d * ScaleMinK4.scale(src, scales, 2 * chunk);
                float m1 = dmin * ScaleMinK4.min(src, scales, 2 * chunk);
                float d2 = d * ScaleMinK4.scale(src, scales, 2 * chunk + 1);
                float m2 = dmin * ScaleMinK4.min(src, scales, 2 * chunk + 1);
                int u1 = 1 << (2 * chunk);
                int u2 = 2 << (2 * chunk);
                for (int l = 0; l < 32; l++) {
                    dst[y++] = d1 * ((u8(src, qs + l) & 0x0F) + ((u8(src, qh + l) & u1) != 0 ? 16 : 0)) - m1;
                }
                for (int l = 0; l < 32; l++) {
                    dst[y++] = d2 * ((u8(src, qs + l) >> 4) + ((u8(src, qh + l) & u2) != 0 ? 16 : 0)) - m2;
                }
            }
        }
    }

    /** quantize_row_q5_K_ref: per sub-block make_qkx2_quants(nmax 31), then 6-bit scales/mins and a requantize. */
    static void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        int[] levels = new int[QK];
        for (int b = 0; b < blocks; b++, offset += BYTES, srcOffset += QK) {
            ScaleMinK4.fit(src, srcOffset, 31, -0.5f, 0.1f, 15, levels, dst, offset);
            int[] qh = new int[32];
            for (int chunk = 0; chunk < 4; chunk++) {
                for (int l = 0; l < 32; l++) {
                    int l1 = levels[64 * chunk + l];
                    int l2 = levels[64 * chunk + 32 + l];
                    qh[l] |= (l1 >> 4) << (2 * chunk) | (l2 >> 4) << (2 * chunk + 1);
                    put8(dst, offset + 48 + 32 * chunk + l, (l1 & 0x0F) | (l2 & 0x0F) << 4);
                }
            }
            for (int l = 0; l < 32; l++) put8(dst, offset + 16 + l, qh[l]);
        }
    }
}
