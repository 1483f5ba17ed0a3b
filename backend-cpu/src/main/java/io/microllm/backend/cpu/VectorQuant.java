package io.microllm.backend.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.microllm.backend.cpu.Kernels.I16;
import static io.microllm.backend.cpu.VectorKernels.F;
import static io.microllm.backend.cpu.VectorKernels.I;
import static io.microllm.backend.cpu.VectorKernels.L;
import static io.microllm.backend.cpu.VectorKernels.LE;
import static io.microllm.backend.cpu.VectorKernels.bytes;
import static io.microllm.backend.cpu.VectorKernels.floats;
import static io.microllm.backend.cpu.VectorKernels.toFloats;
import static io.microllm.backend.cpu.VectorKernels.unsignedBytes;

/**
 * Dot products and dequantization of ggml's 32-element block formats, read in place in GGUF layout:
 * <ul>
 *   <li>Q8_0 {fp16 d; int8 q[32]}: d·q</li>
 *   <li>Q4_0 {fp16 d; u8 q[16]}: d·(nibble − 8), the 16 low nibbles first, then the 16 high ones</li>
 *   <li>Q4_1 {fp16 d, m; u8 q[16]}: d·nibble + m</li>
 *   <li>Q5_0 {fp16 d; u32 qh; u8 q[16]}: d·((nibble | bit·16) − 16); Q5_1 {fp16 d, m; u32 qh; u8 q[16]}: d·(nibble | bit·16) + m</li>
 * </ul>
 * One row at a time: with several rows per pass C2 runs out of registers or stops inlining, and boxes vectors.
 * Nibbles are widened to int lanes before any shift (byte-lane shifts are emulated on x86 and slow).
 */
final class VectorQuant {
    private VectorQuant() {}

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final IntVector LANE = IntVector.zero(I).addIndex(1);

    private static float f16(MemorySegment w, long offset) { return Float.float16ToFloat(w.get(I16, offset)); }

    private static FloatVector scaled(FloatVector v, float factor, FloatVector acc) {
        return v.fma(FloatVector.broadcast(F, factor), acc);
    }

    // ---------------------------------------------------------------- Q8_0

    /**
     * Rows {@code from..to-1}. The block is written out without an inner loop (a second branch for 8-lane vectors
     * folds away, L being a constant): with a loop over the block's vectors C2 unrolls less and the kernel ran 25 %
     * slower.
     */
    static void matVecQ8_0(MemorySegment w, long rowBytes, int blocks, int from, int to, MemorySegment x, long xOffset,
                           MemorySegment dst, long dstOffset) {
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < blocks; b++) acc = blockQ8_0(w, row + 34L * b, x, xOffset + 128L * b, acc);
            dst.set(Kernels.F32, dstOffset + 4L * r, acc.reduceLanes(VectorOperators.ADD));
        }
    }

    private static FloatVector blockQ8_0(MemorySegment w, long o, MemorySegment x, long xb, FloatVector acc) {
        FloatVector s = bytes(w, o + 2 + L).fma(floats(x, xb + 4L * L), bytes(w, o + 2).mul(floats(x, xb)));
        if (L == 8) s = bytes(w, o + 26).fma(floats(x, xb + 96), bytes(w, o + 18).fma(floats(x, xb + 64), s));
        return s.fma(FloatVector.broadcast(F, f16(w, o)), acc);
    }

    static void dequantizeQ8_0(MemorySegment w, long row, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long o = row + 34L * b;
            float d = f16(w, o);
            for (int k = 0; k < 32; k += L) bytes(w, o + 2 + k).mul(d).intoArray(dst, dstOffset + 32 * b + k);
        }
    }

    // ---------------------------------------------------------------- Q4_0, Q4_1

    /**
     * For the nibble formats: byte q = lo + 16·hi holds element j (lo) and j+16 (hi) of a block, so
     * lo·x[j] + hi·x[j+16] = q·x[j] + hi·(x[j+16] − 16·x[j]). Each block of x becomes 48 floats: x[j], that second
     * factor, and for Q4_0 (centre 8) −8·(x[j] + x[j+16]), which takes the −8 of every quant into the same FMAs.
     * This saves masking out lo, subtracting 8, and any scalar work in the per-block loop.
     */
    static void prepareNibbles(MemorySegment x, long xOffset, int n, int centre, Activation a) {
        a.ensure(n / 32 * 48, n / 32);
        float[] v = a.values, sums = a.blockSums;
        for (int b = 0; b < n / 32; b++) {
            float sum = 0;
            for (int j = 0; j < 16; j++) {
                float lo = x.get(Kernels.F32, xOffset + 4L * (32 * b + j)), hi = x.get(Kernels.F32, xOffset + 4L * (32 * b + 16 + j));
                sum += lo + hi;
                v[48 * b + j] = lo;
                v[48 * b + 16 + j] = hi - 16 * lo;
                v[48 * b + 32 + j] = -centre * (lo + hi);
            }
            sums[b] = sum;
        }
    }

    /** One block's Σ quant·x with x prepared by {@link #prepareNibbles}; no inner loop, like {@link #blockQ8_0}. */
    private static FloatVector nibbleDot(MemorySegment w, long q, float[] x, int xb) {
        IntVector v = unsignedBytes(w, q);
        FloatVector s = toFloats(v).fma(FloatVector.fromArray(F, x, xb), FloatVector.fromArray(F, x, xb + 32));
        s = toFloats(v.lanewise(VectorOperators.LSHR, 4)).fma(FloatVector.fromArray(F, x, xb + 16), s);
        if (L == 8) {
            v = unsignedBytes(w, q + 8);
            s = toFloats(v).fma(FloatVector.fromArray(F, x, xb + 8), FloatVector.fromArray(F, x, xb + 40).add(s));
            s = toFloats(v.lanewise(VectorOperators.LSHR, 4)).fma(FloatVector.fromArray(F, x, xb + 24), s);
        }
        return s;
    }

    /** Rows from..to-1 of Q4_0; the row loop lives here, as for Q8_0. */
    static void matVecQ4_0(MemorySegment w, long rowBytes, int blocks, int from, int to, Activation x,
                           MemorySegment dst, long dstOffset) {
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < blocks; b++) {
                long o = row + 18L * b;
                acc = scaled(nibbleDot(w, o + 2, x.values, 48 * b), f16(w, o), acc);
            }
            dst.set(Kernels.F32, dstOffset + 4L * r, acc.reduceLanes(VectorOperators.ADD));
        }
    }

    static float dotQ4_1(MemorySegment w, long row, Activation x, int blocks) {
        FloatVector acc = FloatVector.zero(F);
        float mins = 0;
        for (int b = 0; b < blocks; b++) {
            long o = row + 20L * b;
            acc = scaled(nibbleDot(w, o + 4, x.values, 48 * b), f16(w, o), acc);
            mins += f16(w, o + 2) * x.blockSums[b];
        }
        return acc.reduceLanes(VectorOperators.ADD) + mins;
    }

    static void dequantizeQ4_0(MemorySegment w, long row, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long o = row + 18L * b;
            float d = f16(w, o);
            for (int k = 0; k < 16; k += L) {
                IntVector v = unsignedBytes(w, o + 2 + k);
                toFloats(v.and(0x0F).sub(8)).mul(d).intoArray(dst, dstOffset + 32 * b + k);
                toFloats(v.lanewise(VectorOperators.LSHR, 4).sub(8)).mul(d).intoArray(dst, dstOffset + 32 * b + 16 + k);
            }
        }
    }

    // ---------------------------------------------------------------- Q5_0, Q5_1

    /** Q5_1 when {@code withMin}, else Q5_0 (no minimum, quants centred by −16). */
    static float dotQ5(boolean withMin, MemorySegment w, long row, MemorySegment x, long xOffset, Activation a, int blocks) {
        int blockBytes = withMin ? 24 : 22, qhAt = withMin ? 4 : 2;
        int centre = withMin ? 0 : 16;
        FloatVector acc = FloatVector.zero(F);
        float mins = 0;
        for (int b = 0; b < blocks; b++) {
            long o = row + (long) blockBytes * b, xb = xOffset + 128L * b;
            int qh = w.get(U32, o + qhAt);
            FloatVector s = FloatVector.zero(F);
            for (int k = 0; k < 16; k += L) {
                IntVector q = unsignedBytes(w, o + qhAt + 4 + k);
                IntVector lo = q.and(0x0F).or(fifthBit(qh >>> k)).sub(centre);
                IntVector hi = q.lanewise(VectorOperators.LSHR, 4).or(fifthBit(qh >>> (16 + k))).sub(centre);
                s = toFloats(lo).fma(floats(x, xb + 4L * k), s);
                s = toFloats(hi).fma(floats(x, xb + 64 + 4L * k), s);
            }
            acc = scaled(s, f16(w, o), acc);
            if (withMin) mins += f16(w, o + 2) * a.blockSums[b];
        }
        return acc.reduceLanes(VectorOperators.ADD) + mins;
    }

    /** Lane i gets 16 if bit i of {@code bits} is set, else 0. */
    private static IntVector fifthBit(int bits) {
        return IntVector.broadcast(I, bits).lanewise(VectorOperators.LSHR, LANE).and(1).lanewise(VectorOperators.LSHL, 4);
    }
}
