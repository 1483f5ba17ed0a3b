package io.microllm.conformance;

import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;

/**
 * Runs a case's program on {@link TensorSpec}s: asks the backend's {@code supports()} for every op, before
 * anything is allocated, and adds up the device memory the case would take.
 */
final class SupportProbe implements Workspace {
    private final Backend backend;
    private Support declined = Support.YES;
    private long bytes;

    private SupportProbe(Backend backend) { this.backend = backend; }

    /** The first op the backend declines (reason prefixed with the op), or {@link Support#YES}; and the footprint. */
    static SupportProbe of(ConformanceCase c, Backend backend) {
        SupportProbe probe = new SupportProbe(backend);
        c.program().accept(probe);
        return probe;
    }

    Support support() { return declined; }

    long footprintBytes() { return bytes; }

    private Tensor spec(TensorType type, Shape shape) {
        TensorSpec t = new TensorSpec(type, shape);
        bytes += t.byteSize();
        return t;
    }

    @Override public Tensor weight(String name, TensorType type, Shape shape, Fill fill) { return spec(type, shape); }

    @Override public Tensor input(String name, TensorType type, Shape shape, Fill fill) { return spec(type, shape); }

    @Override
    public Tensor inputView(String name, TensorType type, Shape shape, int firstRow, Fill fill) {
        spec(type, Execution.viewBase(shape, firstRow));
        return new TensorSpec(type, shape);
    }

    @Override public Tensor state(String name, TensorType type, Shape shape, Fill fill) { return spec(type, shape); }

    @Override public Tensor scratch(TensorType type, Shape shape) { return spec(type, shape); }

    @Override public Tensor view(Tensor base, int firstRow, Shape shape) { return new TensorSpec(base.type(), shape); }

    @Override
    public Tensor output(TensorType type, Shape shape, int rowsBefore, int rowsAfter) {
        Guard g = Guard.rows(shape, rowsBefore, rowsAfter);
        bytes += type.bytes((long) (g.before() + g.after()) * shape.cols());
        return spec(type, shape);
    }

    @Override public Tensor inPlace(String name, TensorType type, Shape shape, Fill fill) { return output(type, shape); }

    @Override public Tensor uploadRaw(TensorType type, Shape shape, long byteSize) { return new TensorSpec(type, shape); }

    @Override
    public void run(Op op) {
        if (!declined.supported()) return;
        Support s = backend.supports(op);
        if (!s.supported()) declined = Support.no(op.name() + ": " + s.reason());
    }
}
