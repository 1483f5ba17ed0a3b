package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.f16;
import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.putF16;
import static io.microllm.kernels.quant.LittleEndian.u8;
import static io.microllm.kernels.quant.Rounding.nearestInt;

/**
 * Q4_K: 256 values per 144-byte super-block = F16 d, F16 dmin, 12 bytes of 6-bit sub-block scales/mins
 * ({@link ScaleMinK4}), 128 bytes of nibbles. Each 64-value chunk c uses 32 bytes: low nibbles are values
 * 64c..64c+31 (sub-block 2c), high nibbles the next 32 (sub-block 2c+1). Value = d·sc·q - dmin·m.
 */
final class Q4KBlocks {
    private Q4KBlocks() {}

    static final int QK = 256;
    static final int BYTES = 144;

    static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES, dstOffset += QK) {
            float d = f16(src, offset);
            float dmin = f16(src, offset + 2);
            long scales = offset + 4;
            long qs = offset + 16;
            int y = dstOffset;
            for (int chunk = 0; chunk < 4; chunk++, qs += 32) {
                float d1 = d * ScaleMinK4.scale(src, scales, 2 * chunk);
                float m1 = dmin * ScaleMinK4.min(src, scales, 2 * chunk);
                float d2 = d * ScaleMinK4.scale(src, scales, 2 * chunk + 1);
                float m2 = dmin * ScaleMinK4.min(src, scales, 2 * chunk + 1);
                for (int l = 0; l < 32; l++) dst[y++] = d1 * (u8(src, qs + l) & 0x0F) - m1;
                for (int l = 0; l < 32; l++) dst[y++] = d2 * (u8(src, qs + l) >> 4) - m2;
            }
        }
    }

    /** quantize_row_q4_K_ref: per sub-block make_qkx2_quants(nmax 15), then 6-bit scales/mins and a requantize. */
    static void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        int[] levels = new int[QK];
        for (int b = 0; b < blocks; b++, offset += BYTES, srcOffset += QK) {
            ScaleMinK4.fit(src, srcOffset, 15, -1.0f, 0.1f, 20, levels, dst, offset);
            for (int chunk = 0; chunk < 4; chunk++) {
                for (int l = 0; l < 32; l++) {
                    put8(dst, offset + 16 + 32 * chunk + l, levels[64 * chunk + l] | levels[64 * chunk + 32 + l] << 4);
                }
            }
        }
    }
}
