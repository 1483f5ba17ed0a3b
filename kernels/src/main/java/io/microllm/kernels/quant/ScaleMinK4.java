package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;

import static io.microllm.kernels.quant.LittleEndian.put8;
import static io.microllm.kernels.quant.LittleEndian.putF16;
import static io.microllm.kernels.quant.LittleEndian.u8;
import static io.microllm.kernels.quant.Rounding.nearestInt;

/**
 * The 12 bytes of Q4_K/Q5_K that hold 8 pairs of 6-bit (scale, min) for the 8 sub-blocks of 32 values: pairs 0..3
 * in the low 6 bits of bytes 0..3 (scale) and 4..7 (min); pairs 4..7 in the nibbles of bytes 8..11 plus the top 2 bits
 * of bytes 0..7 (ggml's get_scale_min_k4).
 */
final class ScaleMinK4 {
    private ScaleMinK4() {}

    static int scale(MemorySegment s, long scales, int j) {
        return j < 4 ? u8(s, scales + j) & 63 : (u8(s, scales + j + 4) & 0x0F) | (u8(s, scales + j - 4) >> 6) << 4;
    }

    static int min(MemorySegment s, long scales, int j) {
        return j < 4 ? u8(s, scales + j + 4) & 63 : (u8(s, scales + j + 4) >> 4) | (u8(s, scales + j) >> 6) << 4;
    }

    /** Packs ls[0..7], lm[0..7] (each 0..63). */
    static void pack(MemorySegment s, long scales, int[] ls, int[] lm) {
        int[] b = new int[12];
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                b[j] = ls[j];
                b[j + 4] = lm[j];
            } else {
                b[j + 4] = (ls[j] & 0x0F) | (lm[j] & 0x0F) << 4;
                b[j - 4] |= (ls[j] >> 4) << 6;
                b[j] |= (lm[j] >> 4) << 6;
            }
        }
        for (int i = 0; i < 12; i++) put8(s, scales + i, b[i]);
    }

    /**
     * The shared part of quantize_row_q4_K_ref / quantize_row_q5_K_ref for one super-block of 256 values at
     * {@code x[xo..]}: fits each 32-value sub-block with make_qkx2_quants, writes d, dmin and the packed 6-bit
     * scales/mins at {@code block}, then requantizes every value against the stored (rounded) scales into
     * {@code levels} (0..nmax).
     */
    static void fit(float[] x, int xo, int nmax, float rmin, float rdelta, int nstep, int[] levels,
                    MemorySegment dst, long block) {
        float[] weights = new float[32];
        int[] laux = new int[32];
        float[] scales = new float[8];
        float[] mins = new float[8];
        float maxScale = 0;
        float maxMin = 0;
        for (int j = 0; j < 8; j++) {
            float sumX2 = 0;
            for (int l = 0; l < 32; l++) sumX2 += x[xo + 32 * j + l] * x[xo + 32 * j + l];
            float avX = (float) Math.sqrt(sumX2 / 32);
            for (int l = 0; l < 32; l++) weights[l] = avX + Math.abs(x[xo + 32 * j + l]);
            scales[j] = KQuantSearch.makeQkx2Quants(32, nmax, x, xo + 32 * j, weights, levels, 32 * j, mins, j, laux,
                    rmin, rdelta, nstep);
            if (scales[j] > maxScale) maxScale = scales[j];
            if (mins[j] > maxMin) maxMin = mins[j];
        }
        float invScale = maxScale > 0 ? 63.0f / maxScale : 0.0f;
        float invMin = maxMin > 0 ? 63.0f / maxMin : 0.0f;
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int j = 0; j < 8; j++) {
            // ggml stores nearest_int into a uint8_t before clamping: keep that wrap-around.
            ls[j] = Math.min(63, nearestInt(invScale * scales[j]) & 0xFF);
            lm[j] = Math.min(63, nearestInt(invMin * mins[j]) & 0xFF);
        }
        pack(dst, block + 4, ls, lm);
        float d = putF16(dst, block, maxScale / 63.0f);
        float dmin = putF16(dst, block + 2, maxMin / 63.0f);
        for (int j = 0; j < 8; j++) {
            float sd = d * scale(dst, block + 4, j);
            if (sd == 0) continue;
            float dm = dmin * min(dst, block + 4, j);
            for (int i = 0; i < 32; i++) {
                int l = nearestInt((x[xo + 32 * j + i] + dm) / sd);
                levels[32 * j + i] = Math.max(0, Math.min(nmax, l));
            }
        }
    }
}
