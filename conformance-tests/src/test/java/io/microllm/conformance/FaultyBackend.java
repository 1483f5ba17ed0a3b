package io.microllm.conformance;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/** The reference backend with one deliberate bug, to prove the suite catches it (and blames nothing else). */
final class FaultyBackend implements Backend {

    enum Fault {
        /** Rope rotates every row as if it were one position later. */
        ROPE_OFF_BY_ONE,
        /** Scale multiplies by 1% too much. */
        WRONG_SCALE,
        /** Silu also writes the first element after its dst. */
        OUT_OF_BOUNDS_WRITE,
        /** Softmax also writes the last element before its dst. */
        WRITES_BEFORE_DST,
        /** Mul leaves the last row of dst unwritten when there are several rows. */
        SKIPS_LAST_ROW,
        /** MatMul swallows the IllegalArgumentException for bad shapes and does nothing. */
        ACCEPTS_BAD_MATMUL,
        /** Declines Attention over an F16 cache (legitimate: must be UNSUPPORTED, not FAIL). */
        DECLINES_F16_ATTENTION
    }

    private record ViewOf(Tensor base, int firstRow) {}

    private final Backend reference = new ReferenceBackend();
    private final Fault fault;
    private final Map<Tensor, ViewOf> views = new IdentityHashMap<>();

    FaultyBackend(Fault fault) { this.fault = fault; }

    @Override
    public DeviceInfo device() {
        return new DeviceInfo("faulty", fault.name().toLowerCase(), "reference with " + fault, DeviceKind.CPU, 0, Set.of(), 1, null);
    }

    @Override
    public Support supports(Op op) {
        if (fault == Fault.DECLINES_F16_ATTENTION && op instanceof Op.Attention a && a.k().type() == TensorType.F16) {
            return Support.no("this test backend has no F16 attention kernel");
        }
        return reference.supports(op);
    }

    @Override public Tensor allocate(TensorType type, Shape shape) { return reference.allocate(type, shape); }

    @Override public Tensor upload(TensorType type, Shape shape, MemorySegment data) { return reference.upload(type, shape, data); }

    @Override
    public Tensor view(Tensor base, int firstRow, Shape shape) {
        Tensor v = reference.view(base, firstRow, shape);
        views.put(v, new ViewOf(base, firstRow));
        return v;
    }

    @Override public void write(Tensor dst, MemorySegment src) { reference.write(dst, src); }

    @Override public void read(Tensor src, MemorySegment dst) { reference.read(src, dst); }

    @Override
    public void execute(Op op) {
        switch (fault) {
            case ROPE_OFF_BY_ONE -> {
                if (op instanceof Op.Rope r) {
                    op = new Op.Rope(r.x(), r.headDim(), r.nRot(), r.mode(), r.base(), r.freqFactors(), r.position0() + 1, r.dst());
                }
                reference.execute(op);
            }
            case WRONG_SCALE -> {
                if (op instanceof Op.Scale s) op = new Op.Scale(s.x(), s.factor() * 1.01f, s.dst());
                reference.execute(op);
            }
            case OUT_OF_BOUNDS_WRITE -> {
                reference.execute(op);
                if (op instanceof Op.Silu s && views.get(s.dst()) instanceof ViewOf v) {
                    Tensor after = reference.view(v.base(), v.firstRow() + s.dst().shape().rows(), Shape.of(1, 1));
                    reference.write(after, Arena.ofAuto().allocate(4));
                }
            }
            case WRITES_BEFORE_DST -> {
                reference.execute(op);
                if (op instanceof Op.Softmax s && views.get(s.dst()) instanceof ViewOf v) {
                    int cols = s.dst().shape().cols();
                    Tensor before = reference.view(v.base(), v.firstRow() - 1, Shape.of(1, cols));
                    reference.write(before, Arena.ofAuto().allocate(4L * cols));
                }
            }
            case SKIPS_LAST_ROW -> {
                if (op instanceof Op.Mul m && m.dst().shape().rows() > 1) {
                    op.validate();
                    Shape fewer = Shape.of(m.dst().shape().rows() - 1, m.dst().shape().cols());
                    Tensor b = m.b().shape().rows() == 1 ? m.b() : reference.view(m.b(), 0, fewer);
                    op = new Op.Mul(reference.view(m.a(), 0, fewer), b, reference.view(m.dst(), 0, fewer));
                }
                reference.execute(op);
            }
            case ACCEPTS_BAD_MATMUL -> {
                try {
                    reference.execute(op);
                } catch (IllegalArgumentException e) {
                    if (!(op instanceof Op.MatMul)) throw e;
                }
            }
            case DECLINES_F16_ATTENTION -> reference.execute(op);
        }
    }

    @Override public void synchronize() { reference.synchronize(); }

    @Override public void close() { reference.close(); }
}
