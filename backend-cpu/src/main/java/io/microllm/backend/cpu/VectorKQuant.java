package io.microllm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.microllm.backend.cpu.Kernels.I16;
import static io.microllm.backend.cpu.VectorKernels.F;
import static io.microllm.backend.cpu.VectorKernels.L;
import static io.microllm.backend.cpu.VectorKernels.LE;
import static io.microllm.backend.cpu.VectorKernels.floats;
import static io.microllm.backend.cpu.VectorKernels.toFloats;
import static io.microllm.backend.cpu.VectorKernels.unsignedBytes;

/**
 * Dot products and dequantization of ggml's 256-element k-quant super-blocks, read in place in GGUF layout and
 * following ggml's dequantize_row_q*_K:
 * <ul>
 *   <li>Q4_K {fp16 d, dmin; u8 scales[12]; u8 q[128]}: each 64 elements are 32 low nibbles, then 32 high
 *       nibbles, each 32 with its own 6-bit scale and minimum: d·sc·q − dmin·m</li>
 *   <li>Q5_K {fp16 d, dmin; u8 scales[12]; u8 qh[32]; u8 q[128]}: the same with a fifth bit from qh</li>
 *   <li>Q6_K {u8 ql[128]; u8 qh[64]; int8 scales[16]; fp16 d}: d·sc·(q − 32), a scale per 16 elements</li>
 * </ul>
 * Bit fields are taken apart in int lanes; scales are read as whole words and unpacked with shifts (byte-wise
 * segment reads cost more than the vector work). Q4_K runs whole rows in one method; the Q5_K and Q6_K methods
 * handle one super-block, or half the work of one, and return a float: C2 stops inlining once a method's IR
 * passes a fixed node budget, and vectors that then cross a real call are boxed (hundreds of MB/s of garbage).
 * The minimum terms multiply precomputed sums of x over each 32 values.
 */
final class VectorKQuant {
    private VectorKQuant() {}

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(LE);

    private static float f16(MemorySegment w, long offset) { return Float.float16ToFloat(w.get(I16, offset)); }

    /** The eight 6-bit scales of the Q4_K/Q5_K super-block at o, one per byte (ggml's get_scale_min_k4). */
    private static long scales(MemorySegment w, long o) {
        int u0 = w.get(U32, o + 4), u2 = w.get(U32, o + 12);
        return (u0 & 0x3f3f3f3fL) | (long) (u2 & 0x0f0f0f0f | (u0 >>> 6 & 0x03030303) << 4) << 32;
    }

    /** The eight 6-bit minimums, one per byte. */
    private static long mins(MemorySegment w, long o) {
        int u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
        return (u1 & 0x3f3f3f3fL) | (long) (u2 >>> 4 & 0x0f0f0f0f | (u1 >>> 6 & 0x03030303) << 4) << 32;
    }

    private static int field(long packed, int i) { return (int) (packed >>> 8 * i) & 0xFF; }

    /** dmin · Σ m_j · (sum of x over sub-block j). */
    private static float minTerm(MemorySegment w, long o, float[] blockSums, int at) {
        long m = mins(w, o);
        float sum = 0;
        for (int j = 0; j < 8; j++) sum += field(m, j) * blockSums[at + j];
        return f16(w, o + 2) * sum;
    }

    // ---------------------------------------------------------------- Q4_K, Q5_K

    /**
     * Rows from..to-1 of Q4_K; {@code a} holds x as floats and its sums over each 32. The super-block's d is folded
     * into each sub-block scale, so two accumulators run across the whole row and are reduced once per row, and its
     * scale and minimum words are read once for both uses. On a Qwen3-0.6B-shaped model, one thread: 12.5 t/s
     * against 9.3 with a method per super-block returning its float (as Q5_K and Q6_K still do); llama.cpp 36–38.
     */
    static void matVecQ4_K(MemorySegment w, long rowBytes, int blocks, int from, int to, MemorySegment x, long xOffset,
                           Activation a, MemorySegment dst, long dstOffset) {
        float[] sums = a.blockSums;
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            FloatVector accLo = FloatVector.zero(F), accHi = accLo;
            float mins = 0;
            for (int b = 0; b < blocks; b++) {
                long o = row + 144L * b;
                int u0 = w.get(U32, o + 4), u1 = w.get(U32, o + 8), u2 = w.get(U32, o + 12);
                long sc = (u0 & 0x3f3f3f3fL) | (long) (u2 & 0x0f0f0f0f | (u0 >>> 6 & 0x03030303) << 4) << 32;
                long m = (u1 & 0x3f3f3f3fL) | (long) (u2 >>> 4 & 0x0f0f0f0f | (u1 >>> 6 & 0x03030303) << 4) << 32;
                float d = f16(w, o), minSum = 0;
                for (int j = 0; j < 8; j++) minSum += field(m, j) * sums[8 * b + j];
                mins += f16(w, o + 2) * minSum;
                for (int j = 0; j < 4; j++) {
                    long q = o + 16 + 32L * j, xj = xOffset + 4L * (256 * b + 64 * j);
                    FloatVector lo = FloatVector.zero(F), hi = lo;
                    for (int k = 0; k < 32; k += 2 * L) { // once with 16 lanes: two vectors per step unroll better (see Q8_0)
                        IntVector v0 = unsignedBytes(w, q + k), v1 = unsignedBytes(w, q + k + L);
                        lo = toFloats(v1.and(0x0F)).fma(floats(x, xj + 4L * (k + L)),
                                toFloats(v0.and(0x0F)).fma(floats(x, xj + 4L * k), lo));
                        hi = toFloats(v1.lanewise(VectorOperators.LSHR, 4)).fma(floats(x, xj + 4L * (32 + k + L)),
                                toFloats(v0.lanewise(VectorOperators.LSHR, 4)).fma(floats(x, xj + 4L * (32 + k)), hi));
                    }
                    accLo = lo.fma(FloatVector.broadcast(F, d * field(sc, 2 * j)), accLo);
                    accHi = hi.fma(FloatVector.broadcast(F, d * field(sc, 2 * j + 1)), accHi);
                }
            }
            dst.set(Kernels.F32, dstOffset + 4L * r, accLo.add(accHi).reduceLanes(VectorOperators.ADD) - mins);
        }
    }

    static float dotQ5_K(MemorySegment w, long row, Activation x, int blocks) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long o = row + 176L * b;
            sum += superBlockQ5_K(w, o, x.values, 256 * b) - minTerm(w, o, x.blockSums, 8 * b);
        }
        return sum;
    }

    private static float superBlockQ5_K(MemorySegment w, long o, float[] x, int xb) {
        long sc = scales(w, o);
        FloatVector accLo = FloatVector.zero(F), accHi = accLo;
        for (int j = 0; j < 4; j++) {
            long q = o + 48 + 32L * j;
            int xj = xb + 64 * j;
            FloatVector lo = FloatVector.zero(F), hi = lo;
            for (int k = 0; k < 32; k += L) {
                IntVector v = unsignedBytes(w, q + k), bits = unsignedBytes(w, o + 16 + k).lanewise(VectorOperators.LSHR, 2 * j);
                IntVector l = v.and(0x0F).or(bits.and(1).lanewise(VectorOperators.LSHL, 4));
                IntVector h = v.lanewise(VectorOperators.LSHR, 4).or(bits.and(2).lanewise(VectorOperators.LSHL, 3));
                lo = toFloats(l).fma(FloatVector.fromArray(F, x, xj + k), lo);
                hi = toFloats(h).fma(FloatVector.fromArray(F, x, xj + 32 + k), hi);
            }
            accLo = lo.fma(FloatVector.broadcast(F, (float) field(sc, 2 * j)), accLo);
            accHi = hi.fma(FloatVector.broadcast(F, (float) field(sc, 2 * j + 1)), accHi);
        }
        return f16(w, o) * accLo.add(accHi).reduceLanes(VectorOperators.ADD);
    }

    static void dequantizeQ4_K(MemorySegment w, long row, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long o = row + 144L * b, sc = scales(w, o), m = mins(w, o);
            float d = f16(w, o), dmin = f16(w, o + 2);
            for (int j = 0; j < 4; j++) {
                long q = o + 16 + 32L * j;
                int y = dstOffset + 256 * b + 64 * j;
                float d1 = d * field(sc, 2 * j), m1 = dmin * field(m, 2 * j);
                float d2 = d * field(sc, 2 * j + 1), m2 = dmin * field(m, 2 * j + 1);
                for (int k = 0; k < 32; k += L) {
                    IntVector v = unsignedBytes(w, q + k);
                    toFloats(v.and(0x0F)).mul(d1).sub(m1).intoArray(dst, y + k);
                    toFloats(v.lanewise(VectorOperators.LSHR, 4)).mul(d2).sub(m2).intoArray(dst, y + 32 + k);
                }
            }
        }
    }

    // ---------------------------------------------------------------- Q6_K

    /*
     * In each 128-element half, lane l (0..31) holds four quants: element l + 32·i takes the low (i = 0, 1) or high
     * (i = 2, 3) nibble of ql[l] (i even) or ql[l + 32] (i odd), with bits 2i, 2i+1 of qh[l] above it. Element
     * l + 32·i has scale sc[l / 16 + 2·i]. The low-nibble and high-nibble quants are summed by separate methods.
     */

    static float dotQ6_K(MemorySegment w, long row, Activation x, int blocks) {
        float sum = 0;
        for (int b = 0; b < blocks; b++) {
            long o = row + 210L * b;
            sum += f16(w, o + 208) * (lowNibblesQ6_K(w, o, x.values, 256 * b) + highNibblesQ6_K(w, o, x.values, 256 * b));
        }
        return sum;
    }

    private static int scaleQ6(long scales, int i) { return (byte) (scales >>> 8 * i); }

    private static float lowNibblesQ6_K(MemorySegment w, long o, float[] x, int xb) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        for (int half = 0; half < 2; half++) {
            long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = w.get(U64, o + 192 + 8L * half);
            int xh = xb + 128 * half;
            for (int l = 0; l < 32; l += L) {
                IntVector a = unsignedBytes(w, ql + l), c = unsignedBytes(w, ql + 32 + l), h = unsignedBytes(w, qh + l);
                IntVector q0 = a.and(0x0F).or(h.lanewise(VectorOperators.LSHL, 4).and(0x30)).sub(32);
                IntVector q1 = c.and(0x0F).or(h.lanewise(VectorOperators.LSHL, 2).and(0x30)).sub(32);
                acc0 = toFloats(q0).mul(FloatVector.fromArray(F, x, xh + l)).fma(FloatVector.broadcast(F, (float) scaleQ6(sc, l / 16)), acc0);
                acc1 = toFloats(q1).mul(FloatVector.fromArray(F, x, xh + 32 + l)).fma(FloatVector.broadcast(F, (float) scaleQ6(sc, l / 16 + 2)), acc1);
            }
        }
        return acc0.add(acc1).reduceLanes(VectorOperators.ADD);
    }

    private static float highNibblesQ6_K(MemorySegment w, long o, float[] x, int xb) {
        FloatVector acc2 = FloatVector.zero(F), acc3 = acc2;
        for (int half = 0; half < 2; half++) {
            long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = w.get(U64, o + 192 + 8L * half);
            int xh = xb + 128 * half;
            for (int l = 0; l < 32; l += L) {
                IntVector a = unsignedBytes(w, ql + l), c = unsignedBytes(w, ql + 32 + l), h = unsignedBytes(w, qh + l);
                IntVector q2 = a.lanewise(VectorOperators.LSHR, 4).or(h.and(0x30)).sub(32);
                IntVector q3 = c.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(0x30)).sub(32);
                acc2 = toFloats(q2).mul(FloatVector.fromArray(F, x, xh + 64 + l)).fma(FloatVector.broadcast(F, (float) scaleQ6(sc, l / 16 + 4)), acc2);
                acc3 = toFloats(q3).mul(FloatVector.fromArray(F, x, xh + 96 + l)).fma(FloatVector.broadcast(F, (float) scaleQ6(sc, l / 16 + 6)), acc3);
            }
        }
        return acc2.add(acc3).reduceLanes(VectorOperators.ADD);
    }

    static void dequantizeQ6_K(MemorySegment w, long row, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long o = row + 210L * b;
            float d = f16(w, o + 208);
            int y = dstOffset + 256 * b;
            lowNibblesQ6_K(w, o, d, dst, y);
            highNibblesQ6_K(w, o, d, dst, y);
        }
    }

    private static void lowNibblesQ6_K(MemorySegment w, long o, float d, float[] dst, int y) {
        for (int half = 0; half < 2; half++) {
            long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = w.get(U64, o + 192 + 8L * half);
            int yh = y + 128 * half;
            for (int l = 0; l < 32; l += L) {
                IntVector a = unsignedBytes(w, ql + l), c = unsignedBytes(w, ql + 32 + l), h = unsignedBytes(w, qh + l);
                IntVector q0 = a.and(0x0F).or(h.lanewise(VectorOperators.LSHL, 4).and(0x30)).sub(32);
                IntVector q1 = c.and(0x0F).or(h.lanewise(VectorOperators.LSHL, 2).and(0x30)).sub(32);
                toFloats(q0).mul(d * scaleQ6(sc, l / 16)).intoArray(dst, yh + l);
                toFloats(q1).mul(d * scaleQ6(sc, l / 16 + 2)).intoArray(dst, yh + 32 + l);
            }
        }
    }

    private static void highNibblesQ6_K(MemorySegment w, long o, float d, float[] dst, int y) {
        for (int half = 0; half < 2; half++) {
            long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = w.get(U64, o + 192 + 8L * half);
            int yh = y + 128 * half;
            for (int l = 0; l < 32; l += L) {
                IntVector a = unsignedBytes(w, ql + l), c = unsignedBytes(w, ql + 32 + l), h = unsignedBytes(w, qh + l);
                IntVector q2 = a.lanewise(VectorOperators.LSHR, 4).or(h.and(0x30)).sub(32);
                IntVector q3 = c.lanewise(VectorOperators.LSHR, 4).or(h.lanewise(VectorOperators.LSHR, 2).and(0x30)).sub(32);
                toFloats(q2).mul(d * scaleQ6(sc, l / 16 + 4)).intoArray(dst, yh + 64 + l);
                toFloats(q3).mul(d * scaleQ6(sc, l / 16 + 6)).intoArray(dst, yh + 96 + l);
            }
        }
    }
}
