package io.microllm.backend.cpu;

import io.microllm.kernels.quant.Dequantize;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The single-threaded compute primitives the CPU backend's ops are built from, in plain scalar Java. This is the
 * fallback when the Vector API is unusable; {@link VectorKernels} overrides the hot methods. Mat-vecs of the weight
 * types the optional {@link NativeKernels} support go to them instead, whichever Java kernels are chosen.
 * Activations are F32 in native (or heap) segments; weights are in GGUF layout, read in place.
 */
class Kernels {

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Weight rows a mat-mul tile dequantizes at once, then multiplies with every token of the tile. */
    static final int TILE_ROWS = 4;

    /** Null when the native kernels are off or unavailable. */
    private final NativeKernels nativeKernels;

    Kernels(NativeKernels nativeKernels) { this.nativeKernels = nativeKernels; }

    /** How this implementation computes, for the start-up log line. */
    final String describe() {
        return describeJava() + (nativeKernels == null ? "" : " + " + nativeKernels.describe());
    }

    String describeJava() { return "scalar Java"; }

    // ---------------------------------------------------------------- mat-mul

    /** Fills {@code a} with what {@link #matVec} needs besides x for weights of {@code type}. */
    final void prepare(TensorType type, MemorySegment x, long xOffset, int in, Activation a) {
        boolean quantized = nativeKernels != null && nativeKernels.supports(type) && nativeKernels.prepare(type, x, xOffset, in, a);
        a.quantizedFor = quantized ? type : null;
        if (!quantized) prepareJava(type, x, xOffset, in, a);
    }

    /**
     * {@code dst[r] = w[r] · x} for weight rows {@code from..to-1}. {@code x} holds {@code in} floats at
     * {@code xOffset}, {@code a} what {@link #prepare} made of it; {@code dst} receives floats at {@code dstOffset + 4r}.
     */
    final void matVec(TensorType type, MemorySegment w, int in, int from, int to, MemorySegment x, long xOffset, Activation a,
                      MemorySegment dst, long dstOffset, Scratch scratch) {
        if (a.quantizedFor == type) {
            nativeKernels.matVec(type, w, in, from, to, a, dst, dstOffset);
        } else {
            matVecJava(type, w, in, from, to, x, xOffset, a, dst, dstOffset, scratch);
        }
    }

    /** {@link #prepare} for the Java kernels; here nothing. */
    void prepareJava(TensorType type, MemorySegment x, long xOffset, int in, Activation a) {}

    /** {@link #matVec} in Java. */
    void matVecJava(TensorType type, MemorySegment w, int in, int from, int to, MemorySegment x, long xOffset, Activation a,
                    MemorySegment dst, long dstOffset, Scratch scratch) {
        float[] row = scratch.floats(Scratch.WEIGHT_ROWS, in);
        long rowBytes = type.bytes(in);
        for (int r = from; r < to; r++) {
            dequantizeRow(type, w, r * rowBytes, row, 0, in);
            dst.set(F32, dstOffset + 4L * r, dot(row, 0, x, xOffset, in));
        }
    }

    /**
     * {@code dst[t][r] = w[r] · x[t]} for weight rows {@code from..to-1} and tokens {@code t0..t1-1}. Weight rows
     * are dequantized {@link #TILE_ROWS} at a time into scratch and reused for every token, so each weight byte is
     * read once per call. Rows of x and dst are {@code in} and {@code out} floats long.
     */
    void matMul(TensorType type, MemorySegment w, int in, int out, int from, int to, MemorySegment x, int t0, int t1,
                MemorySegment dst, Scratch scratch) {
        float[] tile = scratch.floats(Scratch.WEIGHT_ROWS, TILE_ROWS * in);
        long rowBytes = type.bytes(in);
        for (int r = from; r < to; r += TILE_ROWS) {
            int rows = Math.min(TILE_ROWS, to - r);
            for (int i = 0; i < rows; i++) dequantizeRow(type, w, (r + i) * rowBytes, tile, i * in, in);
            multiplyTile(tile, rows, in, out, r, x, t0, t1, dst);
        }
    }

    /** {@code dst[t][r0 + i] = tile[i] · x[t]} for the {@code rows} dequantized rows in {@code tile}. */
    void multiplyTile(float[] tile, int rows, int in, int out, int r0, MemorySegment x, int t0, int t1, MemorySegment dst) {
        for (int t = t0; t < t1; t++) {
            for (int i = 0; i < rows; i++) {
                dst.set(F32, 4L * ((long) t * out + r0 + i), dot(tile, i * in, x, 4L * t * in, in));
            }
        }
    }

    /** Dequantizes {@code n} elements (whole blocks) starting at byte {@code offset} of {@code src}. */
    void dequantizeRow(TensorType type, MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        if (type == TensorType.F32) {
            MemorySegment.copy(src, F32, offset, dst, dstOffset, n);
        } else {
            Dequantize.row(type, src, offset, dst, dstOffset, n);
        }
    }

    float dot(float[] a, int aOffset, MemorySegment x, long xOffset, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) sum += a[aOffset + i] * x.get(F32, xOffset + 4L * i);
        return sum;
    }

    // ---------------------------------------------------------------- attention

    /**
     * One attention head in the native kernels, softmax included ({@link NativeKernels#attentionHead}); false when
     * they are off, cannot take these tensors, or saw a non-finite score: then the caller computes the head in Java.
     */
    final boolean attentionHead(MemorySegment q, TensorType kType, MemorySegment k, long kOffset, long kRowBytes,
                                TensorType vType, MemorySegment v, long vOffset, long vRowBytes, int n, int headDim,
                                float scale, MemorySegment out, Scratch scratch) {
        return nativeKernels != null && q.isNative() && out.isNative() && NativeKernels.supportsKv(kType, k)
                && NativeKernels.supportsKv(vType, v)
                && nativeKernels.attentionHead(q, kType, k, kOffset, kRowBytes, vType, v, vOffset, vRowBytes, n, headDim,
                        scale, scratch.nativeFloats(n), out);
    }

    /** {@code q[0..n) · k}, where k holds n F32 or F16 values at byte {@code offset}. */
    float dotKv(float[] q, TensorType kType, MemorySegment k, long offset, int n) {
        float sum = 0;
        if (kType == TensorType.F16) {
            for (int i = 0; i < n; i++) sum += q[i] * Float.float16ToFloat(k.get(I16, offset + 2L * i));
        } else {
            for (int i = 0; i < n; i++) sum += q[i] * k.get(F32, offset + 4L * i);
        }
        return sum;
    }

    /** {@code acc[accOffset + i] += a · v[i]}, where v holds n F32 or F16 values at byte {@code offset}. */
    void axpyKv(float a, TensorType vType, MemorySegment v, long offset, float[] acc, int accOffset, int n) {
        if (vType == TensorType.F16) {
            for (int i = 0; i < n; i++) acc[accOffset + i] += a * Float.float16ToFloat(v.get(I16, offset + 2L * i));
        } else {
            for (int i = 0; i < n; i++) acc[accOffset + i] += a * v.get(F32, offset + 4L * i);
        }
    }

    /** {@code a[i] = exp(a[i] - max)} for i in 0..n-1; returns the sum of the new values. */
    float expAndSum(float[] a, int n, float max) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float e = (float) Math.exp(a[i] - max);
            a[i] = e;
            sum += e;
        }
        return sum;
    }

    float max(float[] a, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, a[i]);
        return m;
    }

    // ---------------------------------------------------------------- rows (byte offsets, F32)

    float sumOfSquares(MemorySegment x, long offset, int n) {
        float sum = 0;
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, offset + 4L * i);
            sum += v * v;
        }
        return sum;
    }

    /** {@code dst = x · factor (· weight)}; weight may be null. */
    void scale(MemorySegment x, long xOffset, float factor, MemorySegment weight, MemorySegment dst, long dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            float v = x.get(F32, xOffset + 4L * i) * factor;
            if (weight != null) v *= weight.get(F32, 4L * i);
            dst.set(F32, dstOffset + 4L * i, v);
        }
    }

    /** {@code dst = a + b} ({@code add}) or {@code a · b}. */
    void addOrMul(boolean add, MemorySegment a, long aOffset, MemorySegment b, long bOffset, MemorySegment dst, long dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            float u = a.get(F32, aOffset + 4L * i), v = b.get(F32, bOffset + 4L * i);
            dst.set(F32, dstOffset + 4L * i, add ? u + v : u * v);
        }
    }

    /** {@code dst = silu(gate) · up}, or {@code silu(gate)} when up is null. */
    void silu(MemorySegment gate, long gOffset, MemorySegment up, long uOffset, MemorySegment dst, long dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            float g = gate.get(F32, gOffset + 4L * i);
            float v = (float) (g / (1.0 + Math.exp(-g)));
            if (up != null) v *= up.get(F32, uOffset + 4L * i);
            dst.set(F32, dstOffset + 4L * i, v);
        }
    }
}
