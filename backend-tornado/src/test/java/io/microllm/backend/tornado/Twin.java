package io.microllm.backend.tornado;

import io.microllm.kernels.quant.Quantize;
import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The TornadoVM backend and the scalar reference side by side: the same tensors and ops on both, then compared. */
final class Twin {

    /** One tensor on each backend. */
    record Pair(Tensor device, Tensor reference) {}

    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    final Backend device;
    final Backend reference = new ReferenceBackend();
    private final Random random = new Random(42);

    Twin(Backend device) { this.device = device; }

    /** Random values in [-scale, scale), stored as {@code type}. */
    Pair random(TensorType type, int rows, int cols, float scale) {
        float[] values = new float[rows * cols];
        for (int i = 0; i < values.length; i++) values[i] = (random.nextFloat() * 2 - 1) * scale;
        return upload(type, rows, cols, values);
    }

    Pair upload(TensorType type, int rows, int cols, float[] values) {
        MemorySegment data = Quantize.toSegment(type, values);
        return new Pair(device.upload(type, Shape.of(rows, cols), data), reference.upload(type, Shape.of(rows, cols), data));
    }

    Pair ints(int... values) {
        MemorySegment data = MemorySegment.ofArray(new byte[4 * values.length]);
        for (int i = 0; i < values.length; i++) data.setAtIndex(INT, i, values[i]);
        Pair p = allocate(TensorType.I32, 1, values.length);
        device.write(p.device(), data);
        reference.write(p.reference(), data);
        return p;
    }

    Pair allocate(TensorType type, int rows, int cols) {
        return new Pair(device.allocate(type, Shape.of(rows, cols)), reference.allocate(type, Shape.of(rows, cols)));
    }

    Pair view(Pair base, int firstRow, int rows, int cols) {
        return new Pair(device.view(base.device(), firstRow, Shape.of(rows, cols)),
                reference.view(base.reference(), firstRow, Shape.of(rows, cols)));
    }

    /** Builds the op from each backend's tensors ({@code side} picks them) and runs it on both. */
    void run(Function<Function<Pair, Tensor>, Op> op) {
        device.execute(op.apply(p -> p == null ? null : p.device()));
        reference.execute(op.apply(p -> p == null ? null : p.reference()));
    }

    /** The tensor's bytes as the device has them. */
    MemorySegment deviceBytes(Pair p) {
        MemorySegment out = MemorySegment.ofArray(new byte[(int) p.device().byteSize()]);
        device.read(p.device(), out);
        return out;
    }

    MemorySegment referenceBytes(Pair p) {
        MemorySegment out = MemorySegment.ofArray(new byte[(int) p.reference().byteSize()]);
        reference.read(p.reference(), out);
        return out;
    }

    /** F32 results agree within {@code tolerance} of the largest reference magnitude (at least 1). */
    void assertClose(String what, Pair p, double tolerance) {
        MemorySegment d = deviceBytes(p);
        MemorySegment r = referenceBytes(p);
        int n = (int) p.device().shape().elements();
        double scale = 1;
        for (int i = 0; i < n; i++) scale = Math.max(scale, Math.abs(r.getAtIndex(FLOAT, i)));
        double worst = 0;
        int worstAt = 0;
        for (int i = 0; i < n; i++) {
            double diff = Math.abs(d.getAtIndex(FLOAT, i) - r.getAtIndex(FLOAT, i));
            if (!(diff <= worst)) {
                worst = diff;
                worstAt = i;
            }
        }
        assertTrue(worst <= tolerance * scale, what + ": element " + worstAt + " is " + d.getAtIndex(FLOAT, worstAt)
                + " on the device, " + r.getAtIndex(FLOAT, worstAt) + " in the reference (tolerance " + tolerance * scale + ")");
    }

    /** Identical F32 values, any NaN equal to any other (NaN payloads differ between devices). */
    void assertSameFloats(String what, Pair p) {
        MemorySegment d = deviceBytes(p);
        MemorySegment r = referenceBytes(p);
        for (int i = 0; i < p.device().shape().elements(); i++) {
            float dv = d.getAtIndex(FLOAT, i);
            float rv = r.getAtIndex(FLOAT, i);
            boolean same = Float.isNaN(rv) ? Float.isNaN(dv) : Float.floatToRawIntBits(dv) == Float.floatToRawIntBits(rv);
            assertTrue(same, what + ": element " + i + " is " + dv + " on the device, " + rv + " in the reference");
        }
    }

    /** Bit-identical results (integers, 16-bit floats). */
    void assertSameBytes(String what, Pair p) {
        MemorySegment d = deviceBytes(p);
        MemorySegment r = referenceBytes(p);
        long mismatch = d.mismatch(r);
        assertTrue(mismatch < 0, () -> what + ": first differing byte " + mismatch + " of " + d.byteSize());
    }
}
