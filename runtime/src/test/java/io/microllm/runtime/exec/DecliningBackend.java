package io.microllm.runtime.exec;

import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.util.Set;

/** A test backend: another backend under its own device id, declining the ops named in {@code declined}. */
public final class DecliningBackend implements Backend {
    public static final String REASON = "declined by the test";

    private final Backend inner;
    private final DeviceInfo device;
    private final Set<String> declined;

    public DecliningBackend(Backend inner, String id, Set<String> declined) {
        this.inner = inner;
        this.device = new DeviceInfo("test", id, "test backend " + id, DeviceKind.CPU, 0, Set.of(), 1, null);
        this.declined = Set.copyOf(declined);
    }

    @Override public DeviceInfo device() { return device; }

    @Override
    public Support supports(Op op) {
        return declined.contains(op.name()) ? Support.no(REASON) : inner.supports(op);
    }

    @Override public Tensor allocate(TensorType type, Shape shape) { return inner.allocate(type, shape); }
    @Override public Tensor upload(TensorType type, Shape shape, MemorySegment data) { return inner.upload(type, shape, data); }
    @Override public Tensor view(Tensor base, int firstRow, Shape shape) { return inner.view(base, firstRow, shape); }
    @Override public void write(Tensor dst, MemorySegment src) { inner.write(dst, src); }
    @Override public void read(Tensor src, MemorySegment dst) { inner.read(src, dst); }

    @Override
    public void execute(Op op) {
        if (declined.contains(op.name())) throw new AssertionError(op.name() + " was run on " + device.qualifiedId() + ", which declines it");
        inner.execute(op);
    }

    @Override public void synchronize() { inner.synchronize(); }
    @Override public void close() { inner.close(); }
}
