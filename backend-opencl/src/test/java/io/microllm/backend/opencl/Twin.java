package io.microllm.backend.opencl;

import io.microllm.kernels.quant.Dequantize;
import io.microllm.kernels.quant.Quantize;
import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same tensors on the OpenCL backend and on the scalar reference, fed identical GGUF bytes, so an op can run on
 * both and the outputs be compared (normalized mean squared error, the measure the conformance suite uses).
 */
final class Twin implements AutoCloseable {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** A tensor on both backends. */
    record T(Tensor ref, Tensor cl) {}

    /** Picks one side's tensors when building an op. */
    @FunctionalInterface
    interface Side {
        Tensor of(T t);
    }

    final ReferenceBackend ref = new ReferenceBackend();
    final OpenClBackend cl;
    private final SplittableRandom random;

    Twin(OpenClBackend cl, long seed) {
        this.cl = cl;
        this.random = new SplittableRandom(seed);
    }

    float[] uniform(long n, double lo, double hi) {
        float[] v = new float[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) v[i] = (float) random.nextDouble(lo, hi);
        return v;
    }

    static MemorySegment bytes(TensorType type, float[] values) {
        if (type == TensorType.I32) {
            MemorySegment s = Arena.ofAuto().allocate(4L * values.length, 64);
            for (int i = 0; i < values.length; i++) s.setAtIndex(I32, i, (int) values[i]);
            return s;
        }
        return Quantize.toSegment(type, values);
    }

    /** Weights through upload(): zero-copy or repacked on the OpenCL side, in place on the reference. */
    T weight(TensorType type, Shape shape, float[] values) {
        MemorySegment data = bytes(type, values);
        return new T(ref.upload(type, shape, data), cl.upload(type, shape, data));
    }

    T weight(TensorType type, int rows, int cols) { return weight(type, Shape.of(rows, cols), uniform((long) rows * cols, -1, 1)); }

    /** Activations: allocate() then write(). */
    T input(TensorType type, Shape shape, float[] values) {
        T t = new T(ref.allocate(type, shape), cl.allocate(type, shape));
        MemorySegment data = bytes(type, values);
        ref.write(t.ref(), data);
        cl.write(t.cl(), data);
        return t;
    }

    T input(TensorType type, int rows, int cols) { return input(type, Shape.of(rows, cols), uniform((long) rows * cols, -1, 1)); }

    /** Token ids as an I32 [1, n] tensor. */
    T ids(int... ids) {
        float[] v = new float[ids.length];
        for (int i = 0; i < ids.length; i++) v[i] = ids[i];
        return input(TensorType.I32, Shape.of(1, ids.length), v);
    }

    /** An output filled with a recognizable value, so a kernel writing outside dst or skipping elements shows. */
    T output(TensorType type, int rows, int cols) { return input(type, Shape.of(rows, cols), filled((long) rows * cols, 7.25f)); }

    static float[] filled(long n, float value) {
        float[] v = new float[Math.toIntExact(n)];
        java.util.Arrays.fill(v, value);
        return v;
    }

    T view(T base, int firstRow, Shape shape) { return new T(ref.view(base.ref(), firstRow, shape), cl.view(base.cl(), firstRow, shape)); }

    void run(Function<Side, Op> op) {
        ref.execute(op.apply(T::ref));
        cl.execute(op.apply(T::cl));
    }

    static float[] values(Backend b, Tensor t) {
        MemorySegment s = Arena.ofAuto().allocate(t.byteSize(), 64);
        b.read(t, s);
        if (t.type() == TensorType.I32) {
            float[] v = new float[Math.toIntExact(t.shape().elements())];
            for (int i = 0; i < v.length; i++) v[i] = s.getAtIndex(I32, i);
            return v;
        }
        return Dequantize.all(t.type(), s, t.shape().elements());
    }

    /** NMSE Σ(a−b)²/Σa² of the OpenCL result against the reference, at most {@code maxNmse}; infinities must match. */
    double assertClose(T t, double maxNmse, String what) {
        float[] want = values(ref, t.ref());
        float[] got = values(cl, t.cl());
        double err = 0, norm = 0;
        for (int i = 0; i < want.length; i++) {
            if (Float.isInfinite(want[i]) || Float.isNaN(want[i])) {
                assertEquals(want[i], got[i], what + ": element " + i);
                continue;
            }
            assertTrue(Float.isFinite(got[i]), what + ": element " + i + " is " + got[i] + ", expected " + want[i]);
            err += (want[i] - (double) got[i]) * (want[i] - (double) got[i]);
            norm += (double) want[i] * want[i];
        }
        double nmse = norm == 0 ? err : err / norm;
        assertTrue(nmse <= maxNmse, what + ": NMSE " + nmse + " > " + maxNmse);
        return nmse;
    }

    /** Byte-identical GGUF data on both sides. */
    void assertSameBytes(T t, String what) {
        MemorySegment a = Arena.ofAuto().allocate(t.ref().byteSize(), 64);
        MemorySegment b = Arena.ofAuto().allocate(t.cl().byteSize(), 64);
        ref.read(t.ref(), a);
        cl.read(t.cl(), b);
        assertArrayEquals(a.toArray(ValueLayout.JAVA_BYTE), b.toArray(ValueLayout.JAVA_BYTE), what);
    }

    @Override
    public void close() {
        ref.close();
        cl.close();
    }
}
