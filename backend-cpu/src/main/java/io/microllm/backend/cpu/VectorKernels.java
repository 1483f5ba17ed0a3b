package io.microllm.backend.cpu;

import io.microllm.spi.TensorType;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

/**
 * {@link Kernels} on the Vector API with 256- or 512-bit float vectors. Quantized weights are dequantized in
 * registers, a block at a time, and never copied whole to the heap; see {@link VectorQuant} for the block formats.
 * Loaded by name from {@link KernelSelector}, so nothing else touches {@code jdk.incubator.vector}.
 */
final class VectorKernels extends Kernels {

    /**
     * 16 floats with AVX-512, 8 with AVX2. Wider vectors would not divide a 32-element quant block evenly. The
     * system property {@code microllm.cpu.vectorBits=256} forces the AVX2 shape (the tests run both).
     */
    static final VectorSpecies<Float> F = Integer.getInteger("microllm.cpu.vectorBits",
            FloatVector.SPECIES_PREFERRED.vectorBitSize()) >= 512 ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    static final int L = F.length();
    /** As many bytes, shorts and ints as F has floats, for widening conversions lane by lane. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    VectorKernels(NativeKernels nativeKernels) {
        super(nativeKernels);
        int preferred = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        if (preferred < 256) {
            throw new IllegalStateException("the preferred vector width is " + preferred + " bits; the Vector API kernels need 256 or more");
        }
    }

    @Override
    String describeJava() {
        return "Vector API, " + F.vectorBitSize() + "-bit (" + L + " float lanes; preferred "
                + FloatVector.SPECIES_PREFERRED.vectorBitSize() + " bits)";
    }

    // ---------------------------------------------------------------- loads

    static FloatVector floats(MemorySegment s, long offset) { return FloatVector.fromMemorySegment(F, s, offset, LE); }

    /** L signed bytes widened to floats. */
    static FloatVector bytes(MemorySegment s, long offset) {
        return (FloatVector) ByteVector.fromMemorySegment(B, s, offset, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    /** L unsigned bytes widened to int lanes, where shifts and masks are native (byte-lane shifts are not). */
    static IntVector unsignedBytes(MemorySegment s, long offset) {
        return (IntVector) ByteVector.fromMemorySegment(B, s, offset, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I, 0);
    }

    /** To floats, naming the target species: C2 only intrinsifies a conversion whose species it sees as constant. */
    static FloatVector toFloats(IntVector v) { return (FloatVector) v.convertShape(VectorOperators.I2F, F, 0); }

    /** L IEEE half floats, converted exactly (normals, subnormals, infinities, NaN) with integer operations. */
    static FloatVector halves(MemorySegment s, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        IntVector magnitude = h.and(0x7fff);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        // Exponent bias 15 -> 127 for normals, and subnormals normalised for free: multiply by 2^(127-15).
        FloatVector f = shifted.reinterpretAsFloats().mul(0x1p112f);
        VectorMask<Float> special = magnitude.compare(VectorOperators.GE, 0x7c00).cast(F);
        f = f.blend(shifted.or(0x7f800000).reinterpretAsFloats(), special);
        return f.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** L bfloat16 values: the upper halves of floats. */
    static FloatVector bfloat16s(MemorySegment s, long offset) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(S, s, offset, LE).convertShape(VectorOperators.S2I, I, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    static FloatVector weights(TensorType type, MemorySegment s, long offset) {
        return switch (type) {
            case F16 -> halves(s, offset);
            case BF16 -> bfloat16s(s, offset);
            default -> floats(s, offset);
        };
    }

    // ---------------------------------------------------------------- mat-mul

    @Override
    void prepareJava(TensorType type, MemorySegment x, long xOffset, int in, Activation a) {
        switch (type) {
            case Q4_1, Q5_1, Q4_K, Q5_K, Q6_K -> {
                a.ensure(in, in / 32);
                MemorySegment.copy(x, F32, xOffset, a.values, 0, in);
                for (int b = 0; b < in / 32; b++) {
                    FloatVector s = FloatVector.fromArray(F, a.values, 32 * b);
                    for (int k = L; k < 32; k += L) s = s.add(FloatVector.fromArray(F, a.values, 32 * b + k));
                    a.blockSums[b] = s.reduceLanes(VectorOperators.ADD);
                }
            }
            default -> { }
        }
    }

    @Override
    void matVecJava(TensorType type, MemorySegment w, int in, int from, int to, MemorySegment x, long xOffset, Activation a,
                    MemorySegment dst, long dstOffset, Scratch scratch) {
        long rowBytes = type.bytes(in);
        int blocks = in / type.blockSize();
        switch (type) {
            case F32 -> matVecF32(w, in, from, to, x, xOffset, dst, dstOffset);
            case F16, BF16 -> {
                for (int r = from; r < to; r++) dst.set(F32, dstOffset + 4L * r, dotWide(type, w, r * rowBytes, x, xOffset, in));
            }
            case Q8_0 -> VectorQuant.matVecQ8_0(w, rowBytes, blocks, from, to, x, xOffset, dst, dstOffset);
            case Q4_0, Q4_1 -> VectorQuant.matVecQ4(type == TensorType.Q4_1, w, rowBytes, blocks, from, to, x, xOffset, a, dst, dstOffset);
            case Q5_0, Q5_1 -> {
                boolean q51 = type == TensorType.Q5_1;
                for (int r = from; r < to; r++) {
                    dst.set(F32, dstOffset + 4L * r, VectorQuant.dotQ5(q51, w, r * rowBytes, x, xOffset, a, blocks));
                }
            }
            case Q4_K -> VectorKQuant.matVecQ4_K(w, rowBytes, blocks, from, to, x, xOffset, a, dst, dstOffset);
            case Q5_K -> {
                for (int r = from; r < to; r++) dst.set(F32, dstOffset + 4L * r, VectorKQuant.dotQ5_K(w, r * rowBytes, a, blocks));
            }
            case Q6_K -> {
                for (int r = from; r < to; r++) dst.set(F32, dstOffset + 4L * r, VectorKQuant.dotQ6_K(w, r * rowBytes, a, blocks));
            }
            default -> super.matVecJava(type, w, in, from, to, x, xOffset, a, dst, dstOffset, scratch);
        }
    }

    /** Four rows at a time share each load of x, and give the prefetcher four streams to run ahead on. */
    private static void matVecF32(MemorySegment w, int in, int from, int to, MemorySegment x, long xOffset,
                                  MemorySegment dst, long dstOffset) {
        int bound = F.loopBound(in);
        long rowBytes = 4L * in;
        int r = from;
        for (; r + 4 <= to; r += 4) {
            long o0 = r * rowBytes, o1 = o0 + rowBytes, o2 = o1 + rowBytes, o3 = o2 + rowBytes;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int i = 0; i < bound; i += L) {
                FloatVector xv = floats(x, xOffset + 4L * i);
                a0 = floats(w, o0 + 4L * i).fma(xv, a0);
                a1 = floats(w, o1 + 4L * i).fma(xv, a1);
                a2 = floats(w, o2 + 4L * i).fma(xv, a2);
                a3 = floats(w, o3 + 4L * i).fma(xv, a3);
            }
            float s0 = a0.reduceLanes(VectorOperators.ADD), s1 = a1.reduceLanes(VectorOperators.ADD);
            float s2 = a2.reduceLanes(VectorOperators.ADD), s3 = a3.reduceLanes(VectorOperators.ADD);
            for (int i = bound; i < in; i++) {
                float xi = x.get(F32, xOffset + 4L * i);
                s0 += w.get(F32, o0 + 4L * i) * xi;
                s1 += w.get(F32, o1 + 4L * i) * xi;
                s2 += w.get(F32, o2 + 4L * i) * xi;
                s3 += w.get(F32, o3 + 4L * i) * xi;
            }
            dst.set(F32, dstOffset + 4L * r, s0);
            dst.set(F32, dstOffset + 4L * (r + 1), s1);
            dst.set(F32, dstOffset + 4L * (r + 2), s2);
            dst.set(F32, dstOffset + 4L * (r + 3), s3);
        }
        for (; r < to; r++) dst.set(F32, dstOffset + 4L * r, dotWide(TensorType.F32, w, r * rowBytes, x, xOffset, in));
    }

    /** A row of F32, F16 or BF16 weights at byte {@code row} times x. */
    private static float dotWide(TensorType type, MemorySegment w, long row, MemorySegment x, long xOffset, int n) {
        int bound = F.loopBound(n);
        int size = type == TensorType.F32 ? 4 : 2;
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < bound; i += L) acc = weights(type, w, row + (long) size * i).fma(floats(x, xOffset + 4L * i), acc);
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) sum += scalar(type, w, row + (long) size * i) * x.get(F32, xOffset + 4L * i);
        return sum;
    }

    private static float scalar(TensorType type, MemorySegment w, long offset) {
        return switch (type) {
            case F16 -> Float.float16ToFloat(w.get(I16, offset));
            case BF16 -> Float.intBitsToFloat(w.get(I16, offset) << 16);
            default -> w.get(F32, offset);
        };
    }

    @Override
    void dequantizeRow(TensorType type, MemorySegment src, long offset, float[] dst, int dstOffset, int n) {
        switch (type) {
            case Q8_0 -> VectorQuant.dequantizeQ8_0(src, offset, dst, dstOffset, n / 32);
            case Q4_0 -> VectorQuant.dequantizeQ4_0(src, offset, dst, dstOffset, n / 32);
            case Q4_K -> VectorKQuant.dequantizeQ4_K(src, offset, dst, dstOffset, n / 256);
            case Q6_K -> VectorKQuant.dequantizeQ6_K(src, offset, dst, dstOffset, n / 256);
            case F16, BF16 -> {
                int bound = F.loopBound(n);
                for (int i = 0; i < bound; i += L) weights(type, src, offset + 2L * i).intoArray(dst, dstOffset + i);
                for (int i = bound; i < n; i++) dst[dstOffset + i] = scalar(type, src, offset + 2L * i);
            }
            default -> super.dequantizeRow(type, src, offset, dst, dstOffset, n);
        }
    }

    /** Four weight rows times two tokens per pass: six loads feed eight FMAs. */
    @Override
    void multiplyTile(float[] tile, int rows, int in, int out, int r0, MemorySegment x, int t0, int t1, MemorySegment dst) {
        if (rows < 4) {
            super.multiplyTile(tile, rows, in, out, r0, x, t0, t1, dst);
            return;
        }
        int bound = F.loopBound(in);
        int t = t0;
        for (; t + 2 <= t1; t += 2) {
            long xa = 4L * t * in, xb = xa + 4L * in;
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
            for (int i = 0; i < bound; i += L) {
                FloatVector u = floats(x, xa + 4L * i), v = floats(x, xb + 4L * i);
                FloatVector w0 = FloatVector.fromArray(F, tile, i), w1 = FloatVector.fromArray(F, tile, in + i);
                FloatVector w2 = FloatVector.fromArray(F, tile, 2 * in + i), w3 = FloatVector.fromArray(F, tile, 3 * in + i);
                a0 = w0.fma(u, a0); a1 = w1.fma(u, a1); a2 = w2.fma(u, a2); a3 = w3.fma(u, a3);
                b0 = w0.fma(v, b0); b1 = w1.fma(v, b1); b2 = w2.fma(v, b2); b3 = w3.fma(v, b3);
            }
            store(tile, 0, in, out, r0, t, x, xa, bound, dst, a0);
            store(tile, 1, in, out, r0, t, x, xa, bound, dst, a1);
            store(tile, 2, in, out, r0, t, x, xa, bound, dst, a2);
            store(tile, 3, in, out, r0, t, x, xa, bound, dst, a3);
            store(tile, 0, in, out, r0, t + 1, x, xb, bound, dst, b0);
            store(tile, 1, in, out, r0, t + 1, x, xb, bound, dst, b1);
            store(tile, 2, in, out, r0, t + 1, x, xb, bound, dst, b2);
            store(tile, 3, in, out, r0, t + 1, x, xb, bound, dst, b3);
        }
        if (t < t1) super.multiplyTile(tile, rows, in, out, r0, x, t, t1, dst);
    }

    /** Finishes tile row j times token t (the tail past {@code bound} in scalar code) and stores it. */
    private static void store(float[] tile, int j, int in, int out, int r0, int t, MemorySegment x, long xRow, int bound,
                              MemorySegment dst, FloatVector acc) {
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < in; i++) s += tile[j * in + i] * x.get(F32, xRow + 4L * i);
        dst.set(F32, 4L * ((long) t * out + r0 + j), s);
    }

    @Override
    float dot(float[] a, int aOffset, MemorySegment x, long xOffset, int n) {
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < bound; i += L) acc = FloatVector.fromArray(F, a, aOffset + i).fma(floats(x, xOffset + 4L * i), acc);
        return acc.reduceLanes(VectorOperators.ADD) + super.dot(a, aOffset + bound, x, xOffset + 4L * bound, n - bound);
    }

    // ---------------------------------------------------------------- attention

    @Override
    float dotKv(float[] q, TensorType kType, MemorySegment k, long offset, int n) {
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        if (kType == TensorType.F16) {
            for (int i = 0; i < bound; i += L) {
                // halves(k, offset + 2i), written out: a helper returning a vector may be compiled on its own and
                // then not inlined, and its vectors boxed (see VectorQuant)
                IntVector h = (IntVector) ShortVector.fromMemorySegment(S, k, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
                IntVector magnitude = h.and(0x7fff), shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
                FloatVector f = shifted.reinterpretAsFloats().mul(0x1p112f)
                        .blend(shifted.or(0x7f800000).reinterpretAsFloats(), magnitude.compare(VectorOperators.GE, 0x7c00).cast(F));
                f = f.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                acc = f.fma(FloatVector.fromArray(F, q, i), acc);
            }
        } else {
            for (int i = 0; i < bound; i += L) acc = floats(k, offset + 4L * i).fma(FloatVector.fromArray(F, q, i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) sum += q[i] * scalar(kType, k, offset + (kType == TensorType.F16 ? 2L : 4L) * i);
        return sum;
    }

    @Override
    void axpyKv(float a, TensorType vType, MemorySegment v, long offset, float[] acc, int accOffset, int n) {
        int bound = F.loopBound(n);
        FloatVector av = FloatVector.broadcast(F, a);
        if (vType == TensorType.F16) {
            for (int i = 0; i < bound; i += L) {
                IntVector h = (IntVector) ShortVector.fromMemorySegment(S, v, offset + 2L * i, LE).convertShape(VectorOperators.S2I, I, 0);
                IntVector magnitude = h.and(0x7fff), shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
                FloatVector f = shifted.reinterpretAsFloats().mul(0x1p112f)
                        .blend(shifted.or(0x7f800000).reinterpretAsFloats(), magnitude.compare(VectorOperators.GE, 0x7c00).cast(F));
                f = f.reinterpretAsInts().or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
                f.fma(av, FloatVector.fromArray(F, acc, accOffset + i)).intoArray(acc, accOffset + i);
            }
        } else {
            for (int i = 0; i < bound; i += L) {
                floats(v, offset + 4L * i).fma(av, FloatVector.fromArray(F, acc, accOffset + i)).intoArray(acc, accOffset + i);
            }
        }
        for (int i = bound; i < n; i++) acc[accOffset + i] += a * scalar(vType, v, offset + (vType == TensorType.F16 ? 2L : 4L) * i);
    }

    @Override
    float expAndSum(float[] a, int n, float max) {
        int bound = F.loopBound(n);
        FloatVector sum = FloatVector.zero(F);
        for (int i = 0; i < bound; i += L) {
            FloatVector e = FloatVector.fromArray(F, a, i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(a, i);
            sum = sum.add(e);
        }
        float s = sum.reduceLanes(VectorOperators.ADD);
        for (int i = bound; i < n; i++) {
            a[i] = (float) Math.exp(a[i] - max);
            s += a[i];
        }
        return s;
    }

    @Override
    float max(float[] a, int n) {
        int bound = F.loopBound(n);
        FloatVector m = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < bound; i += L) m = m.max(FloatVector.fromArray(F, a, i));
        float r = m.reduceLanes(VectorOperators.MAX);
        for (int i = bound; i < n; i++) r = Math.max(r, a[i]);
        return r;
    }

    // ---------------------------------------------------------------- rows

    @Override
    float sumOfSquares(MemorySegment x, long offset, int n) {
        int bound = F.loopBound(n);
        FloatVector acc = FloatVector.zero(F);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = floats(x, offset + 4L * i);
            acc = v.fma(v, acc);
        }
        return acc.reduceLanes(VectorOperators.ADD) + super.sumOfSquares(x, offset + 4L * bound, n - bound);
    }

    @Override
    void scale(MemorySegment x, long xOffset, float factor, MemorySegment weight, MemorySegment dst, long dstOffset, int n) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector v = floats(x, xOffset + 4L * i).mul(factor);
            if (weight != null) v = v.mul(floats(weight, 4L * i));
            v.intoMemorySegment(dst, dstOffset + 4L * i, LE);
        }
        for (int i = bound; i < n; i++) {
            float v = x.get(F32, xOffset + 4L * i) * factor;
            if (weight != null) v *= weight.get(F32, 4L * i);
            dst.set(F32, dstOffset + 4L * i, v);
        }
    }

    @Override
    void addOrMul(boolean add, MemorySegment a, long aOffset, MemorySegment b, long bOffset, MemorySegment dst, long dstOffset, int n) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector u = floats(a, aOffset + 4L * i), v = floats(b, bOffset + 4L * i);
            (add ? u.add(v) : u.mul(v)).intoMemorySegment(dst, dstOffset + 4L * i, LE);
        }
        super.addOrMul(add, a, aOffset + 4L * bound, b, bOffset + 4L * bound, dst, dstOffset + 4L * bound, n - bound);
    }

    @Override
    void silu(MemorySegment gate, long gOffset, MemorySegment up, long uOffset, MemorySegment dst, long dstOffset, int n) {
        int bound = F.loopBound(n);
        for (int i = 0; i < bound; i += L) {
            FloatVector g = floats(gate, gOffset + 4L * i);
            FloatVector v = g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
            if (up != null) v = v.mul(floats(up, uOffset + 4L * i));
            v.intoMemorySegment(dst, dstOffset + 4L * i, LE);
        }
        super.silu(gate, gOffset + 4L * bound, up, uOffset + 4L * bound, dst, dstOffset + 4L * bound, n - bound);
    }
}
