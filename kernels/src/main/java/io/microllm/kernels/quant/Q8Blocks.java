package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.f16;
import static io.microllm.kernels.quant.LittleEndian.i8;
import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.putF16;

/** Q8_0: 32 values per 34-byte block = F16 scale d, then 32 signed bytes; value = q·d. */
final class Q8Blocks {
    private Q8Blocks() {}

    static final int QK = 32;
    static final int BYTES = 34;

    static void dequantize(MemorySegment src, long offset, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES, dstOffset += QK) {
            float d = f16(src, offset);
            for (int j = 0; j < QK; j++) dst[dstOffset + j] = i8(src, offset + 2 + j) * d;
        }
    }

    /** quantize_row_q8_0_ref: d = absmax/127, q = roundf(x/d). */
    static void quantize(float[] src, int srcOffset, MemorySegment dst, long offset, int blocks) {
        for (int b = 0; b < blocks; b++, offset += BYTES, srcOffset += QK) {
            float amax = 0;
            for (int j = 0; j < QK; j++) amax = Math.max(amax, Math.abs(src[srcOffset + j]));
            float d = amax / 127;
            float id = d != 0 ? 1.0f / d : 0.0f;
            putF16(dst, offset, d);
            for (int j = 0; j < QK; j++) put8(dst, offset + 2 + j, Rounding.roundf(src[srcOffset + j] * id));
        }
    }
}
