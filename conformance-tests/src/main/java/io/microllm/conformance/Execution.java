package io.microllm.conformance;

import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a case's program on a real backend through the SPI alone: every output is a {@link Backend#view} of the
 * middle rows of a larger tensor filled with a sentinel, and afterwards the whole tensor is read back, so writes
 * outside dst show up. Inputs are read back too: an op must not change what it only reads.
 */
final class Execution implements Workspace {

    /** A guarded output: what was written to all of {@code base} before the op, and where dst sits in it. */
    private record Output(Tensor base, Guard guard, TensorType type, Shape shape, MemorySegment before) {}

    private record Input(String name, Tensor tensor, MemorySegment bytes) {}

    /** The outputs' values in declaration order, and everything the backend did wrong besides the values. */
    record Result(List<float[]> values, List<Shape> shapes, List<String> problems) {}

    private final Backend backend;
    private final HostData data;
    private final List<Output> outputs = new ArrayList<>();
    private final List<Input> inputs = new ArrayList<>();

    Execution(Backend backend, HostData data) {
        this.backend = backend;
        this.data = data;
    }

    /** Runs a comparing case's program and reads the outputs back. */
    static Result run(ConformanceCase c, Backend backend, HostData data) {
        Execution e = new Execution(backend, data);
        c.program().accept(e);
        return e.collect();
    }

    @Override
    public Tensor weight(String name, TensorType type, Shape shape, Fill fill) {
        return backend.upload(type, shape, data.bytes(name, type, shape, fill));
    }

    @Override
    public Tensor input(String name, TensorType type, Shape shape, Fill fill) {
        Tensor t = state(name, type, shape, fill);
        inputs.add(new Input(name, t, data.bytes(name, type, shape, fill)));
        return t;
    }

    @Override
    public Tensor inputView(String name, TensorType type, Shape shape, int firstRow, Fill fill) {
        return backend.view(input(name, type, viewBase(shape, firstRow), fill), firstRow, shape);
    }

    /** The tensor an input view lives in: {@code firstRow} rows before it and one after. */
    static Shape viewBase(Shape view, int firstRow) { return Shape.of(firstRow + view.rows() + 1, view.cols()); }

    @Override
    public Tensor state(String name, TensorType type, Shape shape, Fill fill) {
        Tensor t = backend.allocate(type, shape);
        backend.write(t, data.bytes(name, type, shape, fill));
        return t;
    }

    @Override public Tensor scratch(TensorType type, Shape shape) { return backend.allocate(type, shape); }

    @Override public Tensor view(Tensor base, int firstRow, Shape shape) { return backend.view(base, firstRow, shape); }

    @Override
    public Tensor output(TensorType type, Shape shape, int rowsBefore, int rowsAfter) {
        Guard guard = Guard.rows(shape, rowsBefore, rowsAfter);
        Shape baseShape = guard.baseShape(shape);
        Tensor base = backend.allocate(type, baseShape);
        MemorySegment initial = Guard.sentinel(type, Arena.ofAuto().allocate(type.bytes(baseShape.elements()), 64));
        backend.write(base, initial);
        outputs.add(new Output(base, guard, type, shape, initial));
        return backend.view(base, guard.before(), shape);
    }

    @Override
    public Tensor inPlace(String name, TensorType type, Shape shape, Fill fill) {
        Tensor dst = output(type, shape);
        MemorySegment values = data.bytes(name, type, shape, fill);
        backend.write(dst, values);
        Output o = outputs.getLast();
        MemorySegment.copy(values, 0, o.before(), type.bytes((long) o.guard().before() * shape.cols()), values.byteSize());
        return dst;
    }

    @Override public void run(Op op) { backend.execute(op); }

    @Override
    public Tensor uploadRaw(TensorType type, Shape shape, long byteSize) {
        return backend.upload(type, shape, Arena.ofAuto().allocate(byteSize, 64));
    }

    /** Reads every output and input back; guard rows and inputs must be as written. */
    Result collect() {
        backend.synchronize();
        List<float[]> values = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            Output o = outputs.get(i);
            MemorySegment now = readAll(o.base());
            long rowBytes = o.type().bytes(o.shape().cols());
            long dstStart = o.guard().before() * rowBytes;
            long dstEnd = dstStart + o.shape().rows() * rowBytes;
            String where = (outputs.size() == 1 ? "dst" : "output " + i) + " (bytes " + dstStart + ".." + dstEnd + " of the guarded tensor)";
            compareRegion(o.before(), now, 0, dstStart, "wrote into the guard rows before " + where, problems);
            compareRegion(o.before(), now, dstEnd, now.byteSize(), "wrote into the guard rows after " + where, problems);
            values.add(Codec.decode(o.type(), now, dstStart, Math.toIntExact(o.shape().elements())));
            shapes.add(o.shape());
        }
        for (Input in : inputs) {
            compareRegion(in.bytes(), readAll(in.tensor()), 0, in.bytes().byteSize(), "changed its input '" + in.name() + "'", problems);
        }
        return new Result(values, shapes, problems);
    }

    /** After a rejected call: every output tensor, dst included, must hold exactly what was written before. */
    List<String> untouched() {
        backend.synchronize();
        List<String> problems = new ArrayList<>();
        for (Output o : outputs) {
            compareRegion(o.before(), readAll(o.base()), 0, o.before().byteSize(), "wrote to dst although it rejected the op", problems);
        }
        return problems;
    }

    private MemorySegment readAll(Tensor t) {
        MemorySegment into = Arena.ofAuto().allocate(t.byteSize(), 64);
        backend.read(t, into);
        return into;
    }

    private static void compareRegion(MemorySegment expected, MemorySegment actual, long from, long to, String what, List<String> problems) {
        if (from >= to) return;
        long first = MemorySegment.mismatch(expected, from, to, actual, from, to);
        if (first < 0) return;
        long changed = 0;
        for (long b = from + first; b < to; b++) {
            if (expected.get(ValueLayout.JAVA_BYTE, b) != actual.get(ValueLayout.JAVA_BYTE, b)) changed++;
        }
        problems.add(what + ": " + changed + " byte(s) changed, the first at byte " + (from + first));
    }
}
