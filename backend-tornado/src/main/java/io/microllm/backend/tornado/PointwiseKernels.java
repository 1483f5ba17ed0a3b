package io.microllm.backend.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

/**
 * Kernels with independent outputs, written as grid-stride loops so that any launch size is correct (the launch
 * size is a performance choice only). Each output depends only on inputs at its own position (Rope: its own pair),
 * so all of them may run in place. Choices are selects or two-way branches around stores (see {@link HalfFloats}
 * on TornadoVM's code generator).
 */
final class PointwiseKernels {
    private PointwiseKernels() {}

    static final int ADD = 0;
    static final int MUL = 1;
    static final int SCALE = 2;
    static final int SILU = 3;
    static final int SWIGLU = 4;

    /**
     * {@code p = [op, a, b, dst, count, cols, bIsRow]}, {@code pf = [factor]}. b is read at the same index, or at
     * the column when it is one row broadcast over a's rows (ops without b pass a as b).
     */
    static void elementwise(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        int op = p.get(0);
        int a = p.get(1);
        int other = p.get(2);
        int dst = p.get(3);
        int count = p.get(4);
        int cols = p.get(5);
        int broadcast = p.get(6);
        float factor = pf.get(0);
        for (int i = c.globalIdx; i < count; i += c.globalGroupSizeX) {
            float x = f.get(a + i);
            float y = f.get(other + (broadcast == 1 ? i % cols : i));
            float silu = x / (1.0f + TornadoMath.exp(-x));
            float r = x + y;
            r = op == MUL ? x * y : r;
            r = op == SCALE ? x * factor : r;
            r = op == SILU ? silu : r;
            r = op == SWIGLU ? silu * y : r;
            f.set(dst + i, r);
        }
    }

    /** {@code p = [srcType, src, dstType, dst, count]}; types are GGUF ids: 0 F32, 1 F16, 30 BF16. */
    static void convert(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        int srcType = p.get(0);
        int src = p.get(1);
        int dstType = p.get(2);
        int dst = p.get(3);
        int count = p.get(4);
        for (int i = c.globalIdx; i < count; i += c.globalGroupSizeX) {
            if (srcType == 0) {
                float v = f.get(src + i);
                if (dstType == 0) {
                    f.set(dst + i, v);
                } else {
                    h.set(dst + i, (short) (dstType == 1 ? HalfFloats.floatToHalf(v) : HalfFloats.floatToBf16(v)));
                }
            } else {
                int bits = h.get(src + i) & 0xFFFF;
                float v = srcType == 1 ? HalfFloats.halfToFloat(bits) : HalfFloats.bf16ToFloat(bits);
                if (dstType == 0) {
                    f.set(dst + i, v);
                } else {
                    // The same 16-bit type keeps its bits, NaN payloads included.
                    int narrow = dstType == 1 ? HalfFloats.floatToHalf(v) : HalfFloats.floatToBf16(v);
                    h.set(dst + i, (short) (srcType == dstType ? bits : narrow));
                }
            }
        }
    }

    /**
     * {@code p = [x, dst, rows, heads, headDim, nRot, neox, position0, freqFactors, hasFreqFactors]},
     * {@code pf = [base]}. Pair j of a head turns by {@code (position0 + row) · base^(-2j/nRot) / freqFactors[j]};
     * NORM pairs (2j, 2j+1), NEOX pairs (j, j + nRot/2); dims past nRot are copied. Without freq factors the host
     * passes x's offset, read and then ignored, so that the load is unconditional.
     */
    static void rope(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        int x = p.get(0);
        int dst = p.get(1);
        int heads = p.get(3);
        int headDim = p.get(4);
        int nRot = p.get(5);
        int neox = p.get(6);
        int position0 = p.get(7);
        int freqFactors = p.get(8);
        int hasFreqFactors = p.get(9);
        float base = pf.get(0);
        int halfRot = nRot / 2;
        int pairs = p.get(2) * heads * halfRot;
        for (int i = c.globalIdx; i < pairs; i += c.globalGroupSizeX) {
            int j = i % halfRot;
            int rowHead = i / halfRot; // heads are contiguous within a row: rowHead = row * heads + head
            float factor = f.get(freqFactors + j);
            float theta = (position0 + rowHead / heads) * TornadoMath.pow(base, -2.0f * j / nRot);
            theta = hasFreqFactors == 1 ? theta / factor : theta;
            float cos = TornadoMath.cos(theta);
            float sin = TornadoMath.sin(theta);
            int first = rowHead * headDim + (neox == 1 ? j : 2 * j);
            int second = first + (neox == 1 ? halfRot : 1);
            float x0 = f.get(x + first);
            float x1 = f.get(x + second);
            f.set(dst + first, x0 * cos - x1 * sin);
            f.set(dst + second, x0 * sin + x1 * cos);
        }
        int tail = headDim - nRot;
        int tails = p.get(2) * heads * tail;
        for (int i = c.globalIdx; i < tails; i += c.globalGroupSizeX) {
            int at = (i / tail) * headDim + nRot + i % tail;
            f.set(dst + at, f.get(x + at));
        }
    }

    static void getRowsF32(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        floatRows(c.globalIdx, c.globalGroupSizeX, f, h, i, p, 0);
    }

    static void getRowsF16(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        floatRows(c.globalIdx, c.globalGroupSizeX, f, h, i, p, 1);
    }

    static void getRowsBf16(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        floatRows(c.globalIdx, c.globalGroupSizeX, f, h, i, p, 30);
    }

    static void getRowsQ4_0(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        blockRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q4_0, 18);
    }

    static void getRowsQ4_1(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        blockRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q4_1, 20);
    }

    static void getRowsQ5_0(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        blockRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q5_0, 22);
    }

    static void getRowsQ5_1(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        blockRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q5_1, 24);
    }

    static void getRowsQ8_0(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        blockRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q8_0, 34);
    }

    static void getRowsQ4_K(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        kRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q4_K, 144);
    }

    static void getRowsQ5_K(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        kRows(c.globalIdx, c.globalGroupSizeX, f, b, i, p, QuantBlocks.Q5_K, 176);
    }

    static void getRowsQ6_K(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        q6Rows(c.globalIdx, c.globalGroupSizeX, f, b, i, p);
    }

    /**
     * {@code p = [table, ids (int heap), dst, count, cols]}: row ids[r] of an F32 (type 0), F16 (1) or BF16 (30)
     * table. The host has checked every id against the table's rows. Helpers take the work-item ids as arguments:
     * TornadoVM fails to build a kernel whose inlined helper reads KernelContext's id fields.
     */
    private static void floatRows(int first, int stride, FloatArray f, ShortArray h, IntArray ints, IntArray p, int type) {
        int table = p.get(0);
        int ids = p.get(1);
        int dst = p.get(2);
        int count = p.get(3);
        int cols = p.get(4);
        for (int i = first; i < count; i += stride) {
            int at = table + ints.get(ids + i / cols) * cols + i % cols;
            if (type == 0) {
                f.set(dst + i, f.get(at));
            } else {
                int bits = h.get(at) & 0xFFFF;
                f.set(dst + i, type == 1 ? HalfFloats.halfToFloat(bits) : HalfFloats.bf16ToFloat(bits));
            }
        }
    }

    /** As {@link #floatRows} for 32-value blocks, dequantized in the operation order of ggml. */
    private static void blockRows(int first, int stride, FloatArray f, ByteArray b, IntArray ints, IntArray p, int type, int blockBytes) {
        int table = p.get(0);
        int cols = p.get(4);
        for (int i = first; i < p.get(3); i += stride) {
            int col = i % cols;
            int block = table + (ints.get(p.get(1) + i / cols) * (cols / 32) + col / 32) * blockBytes;
            int l = col % 32;
            f.set(p.get(2) + i, QuantBlocks.scale32(b, block) * QuantBlocks.level32(type, b, block, l) + QuantBlocks.min32(type, b, block));
        }
    }

    /** As {@link #floatRows} for Q4_K and Q5_K. */
    private static void kRows(int first, int stride, FloatArray f, ByteArray b, IntArray ints, IntArray p, int type, int blockBytes) {
        int table = p.get(0);
        int cols = p.get(4);
        for (int i = first; i < p.get(3); i += stride) {
            int col = i % cols;
            int block = table + (ints.get(p.get(1) + i / cols) * (cols / 256) + col / 256) * blockBytes;
            int unit = (col % 256) / 32;
            int l = col % 32;
            f.set(p.get(2) + i, QuantBlocks.scaleK(b, block, unit) * QuantBlocks.levelK(type, b, block, unit, l)
                    + QuantBlocks.minK(b, block, unit));
        }
    }

    /** As {@link #floatRows} for Q6_K: d · scale · level, in ggml's order. */
    private static void q6Rows(int first, int stride, FloatArray f, ByteArray b, IntArray ints, IntArray p) {
        int table = p.get(0);
        int cols = p.get(4);
        for (int i = first; i < p.get(3); i += stride) {
            int col = i % cols;
            int block = table + (ints.get(p.get(1) + i / cols) * (cols / 256) + col / 256) * 210;
            int unit = (col % 256) / 32;
            int l = col % 32;
            f.set(p.get(2) + i, QuantBlocks.q6D(b, block) * QuantBlocks.q6Scale(b, block, unit, l) * QuantBlocks.q6Level(b, block, unit, l));
        }
    }
}
