package io.microllm.conformance;

import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Answers {@code supports()} with yes and records the op: shows which ops a case's program runs, without running it. */
final class RecordingBackend implements Backend {
    final List<Op> ops = new ArrayList<>();

    /** The ops {@code c} runs, with {@link io.microllm.spi.TensorSpec}s for tensors. */
    static List<Op> opsOf(ConformanceCase c) {
        RecordingBackend b = new RecordingBackend();
        SupportProbe.of(c, b);
        return b.ops;
    }

    @Override
    public DeviceInfo device() { return new DeviceInfo("recording", "0", "recording", DeviceKind.CPU, 0, Set.of(), 1, null); }

    @Override
    public Support supports(Op op) {
        op.validate();
        ops.add(op);
        return Support.YES;
    }

    @Override public Tensor allocate(TensorType type, Shape shape) { throw new UnsupportedOperationException(); }
    @Override public Tensor upload(TensorType type, Shape shape, MemorySegment data) { throw new UnsupportedOperationException(); }
    @Override public Tensor view(Tensor base, int firstRow, Shape shape) { throw new UnsupportedOperationException(); }
    @Override public void write(Tensor dst, MemorySegment src) { throw new UnsupportedOperationException(); }
    @Override public void read(Tensor src, MemorySegment dst) { throw new UnsupportedOperationException(); }
    @Override public void execute(Op op) { throw new UnsupportedOperationException(); }
    @Override public void synchronize() {}
    @Override public void close() {}
}
