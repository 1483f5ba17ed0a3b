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
 * One row at a time (two rows per pass measured no faster). No vector crosses a method call except the one-line
 * loads of {@link VectorKernels}: C2 compiles a hot helper on its own first, then will not inline it ("already
 * compiled into a big method") and boxes every vector passed to it. Nibbles are widened to int lanes before any
 * shift (byte-lane shifts are emulated on x86 and slow).
 */
final class VectorQuant {
    private VectorQuant() {}

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(LE);
    private static final IntVector LANE = IntVector.zero(I).addIndex(1);

    private static float f16(MemorySegment w, long offset) { return Float.float16ToFloat(w.get(I16, offset)); }

    // ---------------------------------------------------------------- Q8_0

    /**
     * Rows {@code from..to-1}. The block is written out in the loop body, without an inner loop (the 8-lane branch
     * folds away, L being a constant) and without a helper method: C2 compiles a hot helper on its own first, then
     * refuses to inline it ("already compiled into a big method"), and every vector crossing that call is boxed
     * (measured: 17 instead of 90 tokens/s on a 135M model).
     */
    static void matVecQ8_0(MemorySegment w, long rowBytes, int blocks, int from, int to, MemorySegment x, long xOffset,
                           MemorySegment dst, long dstOffset) {
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int b = 0; b < blocks; b++) {
                long o = row + 34L * b, xb = xOffset + 128L * b;
                FloatVector s = bytes(w, o + 2 + L).fma(floats(x, xb + 4L * L), bytes(w, o + 2).mul(floats(x, xb)));
                if (L == 8) s = bytes(w, o + 26).fma(floats(x, xb + 96), bytes(w, o + 18).fma(floats(x, xb + 64), s));
                acc = s.fma(FloatVector.broadcast(F, f16(w, o)), acc);
            }
            dst.set(Kernels.F32, dstOffset + 4L * r, acc.reduceLanes(VectorOperators.ADD));
        }
    }

    static void dequantizeQ8_0(MemorySegment w, long row, float[] dst, int dstOffset, int blocks) {
        for (int b = 0; b < blocks; b++) {
            long o = row + 34L * b;
            float d = f16(w, o);
            for (int k = 0; k < 32; k += L) bytes(w, o + 2 + k).mul(d).intoArray(dst, dstOffset + 32 * b + k);
        }
    }

    // ---------------------------------------------------------------- Q4_0, Q4_1

    /** Float bits of nibble − 8 (Q4_0) and of the nibble itself (Q4_1), indexed by the nibble. */
    private static final int[] CENTRED = nibbleTable(8), PLAIN = nibbleTable(0);

    private static int[] nibbleTable(int centre) {
        int[] t = new int[16];
        for (int i = 0; i < 16; i++) t[i] = Float.floatToIntBits(i - centre);
        return t;
    }

    /**
     * Rows from..to-1 of Q4_0, or with {@code withMin} of Q4_1 ({@code a.blockSums} holding x summed per block).
     * Nibbles become floats by table lookup: {@code selectFrom} (vpermd) wraps its indices modulo the table size,
     * so a byte lane's low nibble picks its entry unmasked, and the table holds the centred value: one instruction
     * per 16 lanes instead of a mask, a subtraction and a conversion, and x is read in place. As fast as the older
     * convert-and-fold kernel (8–9 GB/s on one Zen 4 core, compute-bound) with no re-laid-out copy of x.
     * The block is written out in the loop body, as for Q8_0; with 8 lanes the 16 entries span two vectors.
     */
    static void matVecQ4(boolean withMin, MemorySegment w, long rowBytes, int blocks, int from, int to, MemorySegment x,
                         long xOffset, Activation a, MemorySegment dst, long dstOffset) {
        int blockBytes = withMin ? 20 : 18, qAt = withMin ? 4 : 2;
        int[] values = withMin ? PLAIN : CENTRED;
        IntVector table = IntVector.fromArray(I, values, 0), tableHigh = L == 16 ? table : IntVector.fromArray(I, values, L);
        for (int r = from; r < to; r++) {
            long row = r * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            float mins = 0;
            for (int b = 0; b < blocks; b++) {
                long o = row + (long) blockBytes * b, q = o + qAt, xb = xOffset + 128L * b;
                IntVector v = unsignedBytes(w, q);
                IntVector h = v.lanewise(VectorOperators.LSHR, 4);
                FloatVector lo = (L == 16 ? v.selectFrom(table) : v.selectFrom(table, tableHigh)).reinterpretAsFloats();
                FloatVector hi = (L == 16 ? h.selectFrom(table) : h.selectFrom(table, tableHigh)).reinterpretAsFloats();
                FloatVector s = hi.fma(floats(x, xb + 64), lo.mul(floats(x, xb)));
                if (L == 8) {
                    v = unsignedBytes(w, q + 8);
                    h = v.lanewise(VectorOperators.LSHR, 4);
                    s = v.selectFrom(table, tableHigh).reinterpretAsFloats().fma(floats(x, xb + 32), s);
                    s = h.selectFrom(table, tableHigh).reinterpretAsFloats().fma(floats(x, xb + 96), s);
                }
                acc = s.fma(FloatVector.broadcast(F, f16(w, o)), acc);
                if (withMin) mins += f16(w, o + 2) * a.blockSums[b];
            }
            dst.set(Kernels.F32, dstOffset + 4L * r, acc.reduceLanes(VectorOperators.ADD) + mins);
        }
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
                // Lane i's fifth bit is bit i of qh (low nibbles) or bit 16 + i (high ones), moved to bit 4.
                IntVector loBit = IntVector.broadcast(I, qh >>> k).lanewise(VectorOperators.LSHR, LANE).and(1).lanewise(VectorOperators.LSHL, 4);
                IntVector hiBit = IntVector.broadcast(I, qh >>> (16 + k)).lanewise(VectorOperators.LSHR, LANE).and(1).lanewise(VectorOperators.LSHL, 4);
                IntVector lo = q.and(0x0F).or(loBit).sub(centre);
                IntVector hi = q.lanewise(VectorOperators.LSHR, 4).or(hiBit).sub(centre);
                s = toFloats(lo).fma(floats(x, xb + 4L * k), s);
                s = toFloats(hi).fma(floats(x, xb + 64 + 4L * k), s);
            }
            acc = s.fma(FloatVector.broadcast(F, f16(w, o)), acc);
            if (withMin) mins += f16(w, o + 2) * a.blockSums[b];
        }
        return acc.reduceLanes(VectorOperators.ADD) + mins;
    }
}
