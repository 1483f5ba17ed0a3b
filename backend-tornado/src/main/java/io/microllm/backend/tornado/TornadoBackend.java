package io.microllm.backend.tornado;

import io.microllm.backend.tornado.DevicePlan.Program;
import io.microllm.backend.tornado.Heaps.Kind;
import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;
import uk.ac.manchester.tornado.api.common.TornadoDevice;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;
import java.util.Objects;

/**
 * A TornadoVM device running every op with kernels written in Java ({@link MatMulKernels}, {@link RowKernels},
 * {@link PointwiseKernels}, {@link AttentionKernel}). Tensors are ranges of four {@link Heaps}; weights keep their
 * GGUF layout and are decoded by the kernels. The heaps go to the device once, when the first op runs, and stay
 * there: after that only the parameters of each op, and what the host writes or reads, cross the bus.
 *
 * <p>Ops run synchronously, in call order. The device plan is rebuilt (kernels recompiled) only when a heap has
 * to grow beyond the room left at the first op, which a model that uploads its weights and allocates its buffers
 * before running rarely needs.
 */
final class TornadoBackend implements Backend {

    private final DeviceInfo info;
    private final TornadoDevice device;
    private final Heaps heaps = new Heaps();
    private DevicePlan plan;
    /** The last host write to the int heap, so that GetRows can check token ids without reading them back. */
    private int hostIntsOffset = -1;
    private int[] hostInts = new int[0];
    private int planBuilds;
    private boolean closed;

    TornadoBackend(DeviceInfo info, TornadoDevice device) {
        this.info = info;
        this.device = device;
    }

    @Override
    public DeviceInfo device() { return info; }

    /**
     * Every op, every type; declined are ops that fail validation, heads wider than the attention kernel's local
     * accumulator, K and V caches of different types, and launches or tensors beyond TornadoVM's int-indexed arrays.
     */
    @Override
    public Support supports(Op op) {
        try {
            op.validate();
        } catch (IllegalArgumentException e) {
            return Support.no(e.getMessage());
        }
        for (Tensor t : op.inputs()) {
            String foreign = foreignTensor(t);
            if (foreign != null) return Support.no(foreign);
            if (Kind.units(t.type(), t.shape().elements()) > Heaps.MAX_UNITS) {
                return Support.no(t + " exceeds the " + Heaps.MAX_UNITS + " elements a TornadoVM array can index");
            }
        }
        String foreign = foreignTensor(op.output());
        if (foreign != null) return Support.no(foreign);
        if (op instanceof Op.Attention a) {
            if (a.q().shape().cols() / a.nHead() > AttentionKernel.HEAD_DIM_MAX) {
                return Support.no("head dimension " + a.q().shape().cols() / a.nHead() + " exceeds the "
                        + AttentionKernel.HEAD_DIM_MAX + " dims the TornadoVM attention kernel keeps in local memory");
            }
            if (a.k().type() != a.v().type()) {
                return Support.no("K cache " + a.k().type() + " and V cache " + a.v().type()
                        + " differ; the TornadoVM attention kernels read both caches in one type");
            }
        }
        long groups = switch (op) {
            case Op.MatMul m -> m.w().shape().rows();
            case Op.Attention a -> (long) a.q().shape().rows() * a.nHead();
            default -> op.output().shape().rows();
        };
        if (groups * DevicePlan.LOCAL > Integer.MAX_VALUE) {
            return Support.no(groups + " work-groups of " + DevicePlan.LOCAL + " exceed one TornadoVM launch");
        }
        return Support.YES;
    }

    private String foreignTensor(Tensor t) {
        if (t instanceof TensorSpec || (t instanceof TornadoTensor tt && tt.owner() == this)) return null;
        return t + " does not belong to this TornadoVM backend";
    }

    @Override
    public Tensor allocate(TensorType type, Shape shape) {
        ensureOpen();
        return reserve(type, shape);
    }

    /**
     * Copies the weights into the matching heap in their GGUF layout. Not zero-copy: TornadoVM can wrap a mapped
     * file only through a writable mapping with room for its array header in front of the data
     * ({@code fromSegmentShallow}), which a read-only GGUF mapping is not; and its OpenCL driver copies every array
     * into a device buffer anyway.
     */
    @Override
    public Tensor upload(TensorType type, Shape shape, MemorySegment data) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        checkBytes("upload of " + type + " " + shape, type.bytes(shape.elements()), data.byteSize());
        TornadoTensor t = reserve(type, shape);
        store(t, data);
        return t;
    }

    @Override
    public Tensor view(Tensor base, int firstRow, Shape shape) {
        ensureOpen();
        TornadoTensor b = own(base, "view base");
        Objects.requireNonNull(shape, "shape");
        if (firstRow < 0 || firstRow >= b.shape().rows()) {
            throw new IllegalArgumentException("view: first row " + firstRow + " is outside " + b);
        }
        checkRowMultiple(b.type(), shape);
        long start = firstRow * b.rowUnits();
        long units = Kind.units(b.type(), shape.elements());
        if (start + units > b.units()) {
            throw new IllegalArgumentException("view: " + shape + " from row " + firstRow + " runs past the end of " + b);
        }
        return new TornadoTensor(this, b.type(), shape, b.heap(), b.offset() + (int) start);
    }

    @Override
    public void write(Tensor dst, MemorySegment src) {
        ensureOpen();
        TornadoTensor t = own(dst, "write destination");
        Objects.requireNonNull(src, "src");
        checkBytes("write to " + t, t.byteSize(), src.byteSize());
        store(t, src);
    }

    @Override
    public void read(Tensor src, MemorySegment dst) {
        ensureOpen();
        TornadoTensor t = own(src, "read source");
        Objects.requireNonNull(dst, "dst");
        checkBytes("read of " + t, t.byteSize(), dst.byteSize());
        if (plan == null || t.heap() == Kind.BYTE) {
            MemorySegment.copy(heaps.segment(t.heap(), t.offset(), t.units()), 0, dst, 0, t.byteSize());
            return;
        }
        int stage = stageSize(t.heap());
        for (long done = 0; done < t.units(); done += stage) {
            int count = (int) Math.min(stage, t.units() - done);
            params(t.offset() + (int) done, count);
            MemorySegment staged = switch (t.heap()) {
                case FLOAT -> { plan.runItems(Program.FLOATS_OUT, count); yield plan.stageFloats.getSegment(); }
                case SHORT -> { plan.runItems(Program.SHORTS_OUT, count); yield plan.stageShorts.getSegment(); }
                case INT -> { plan.runItems(Program.INTS_OUT, count); yield plan.stageInts.getSegment(); }
                case BYTE -> throw new AssertionError("read from the host copy above");
            };
            long bytes = (long) count * t.heap().elementBytes;
            MemorySegment.copy(staged, 0, dst, done * t.heap().elementBytes, bytes);
        }
    }

    @Override
    public void execute(Op op) {
        ensureOpen();
        op.validate();
        Support support = supports(op);
        if (!support.supported()) {
            throw new IllegalArgumentException(op.name() + " is not supported by the TornadoVM backend: " + support.reason());
        }
        if (plan == null) {
            heaps.fitForDevice();
            plan = new DevicePlan(heaps, device);
            planBuilds++;
        }
        switch (op) {
            case Op.GetRows o -> getRows(o);
            case Op.RmsNorm o -> {
                int cols = o.x().shape().cols();
                params(off(o.x()), o.weight() == null ? -1 : off(o.weight()), off(o.dst()), cols);
                plan.floatParams.set(0, o.eps());
                plan.runGroups(Program.RMS_NORM, o.x().shape().rows());
            }
            case Op.MatMul o -> matMul(o);
            case Op.Rope o -> {
                int rows = o.x().shape().rows();
                int heads = o.x().shape().cols() / o.headDim();
                params(off(o.x()), off(o.dst()), rows, heads, o.headDim(), o.nRot(), o.mode() == RopeMode.NEOX ? 1 : 0,
                        o.position0(), off(o.freqFactors() == null ? o.x() : o.freqFactors()), o.freqFactors() == null ? 0 : 1);
                plan.floatParams.set(0, o.base());
                plan.runItems(Program.ROPE, (long) rows * heads * Math.max(o.nRot() / 2, o.headDim() - o.nRot()));
            }
            case Op.Attention o -> {
                params(off(o.q()), off(o.k()), off(o.v()), off(o.dst()), o.nHead(), o.nKvHead(),
                        o.q().shape().cols() / o.nHead(), o.position0(), o.k().type() == TensorType.F16 ? 1 : 0);
                plan.floatParams.set(0, o.scale());
                plan.runGroups(Program.ATTENTION, o.q().shape().rows() * o.nHead());
            }
            case Op.Softmax o -> {
                params(off(o.x()), off(o.dst()), o.x().shape().cols());
                plan.floatParams.set(0, o.scale());
                plan.runGroups(Program.SOFTMAX, o.x().shape().rows());
            }
            case Op.Silu o -> elementwise(PointwiseKernels.SILU, o.x(), o.x(), 0, o.dst());
            case Op.SwiGlu o -> elementwise(PointwiseKernels.SWIGLU, o.gate(), o.up(), 0, o.dst());
            case Op.Add o -> elementwise(PointwiseKernels.ADD, o.a(), o.b(), 0, o.dst());
            case Op.Mul o -> elementwise(PointwiseKernels.MUL, o.a(), o.b(), 0, o.dst());
            case Op.Scale o -> elementwise(PointwiseKernels.SCALE, o.x(), o.x(), o.factor(), o.dst());
            case Op.Copy o -> {
                long count = o.src().shape().elements();
                params(o.src().type().ggufId(), off(o.src()), o.dst().type().ggufId(), off(o.dst()), (int) count);
                plan.runItems(Program.CONVERT, count);
            }
            case Op.Argmax o -> {
                params(off(o.x()), off(o.dst()), o.x().shape().cols());
                plan.runGroups(Program.ARGMAX, o.x().shape().rows());
                hostIntsOffset = -1; // the int heap changed on the device
            }
        }
    }

    /** Ops run synchronously: when {@link #execute} returns, the device has finished. */
    @Override
    public void synchronize() { ensureOpen(); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (plan != null) {
            plan.close();
            plan = null;
        }
    }

    /** How many device plans were built: 1 after the first op, one more each time a heap had to grow after that. */
    int planBuilds() { return planBuilds; }

    /** How long each kernel's first run took, JIT compilation included; empty before the first op. */
    Map<Program, Long> firstRunNanos() { return plan == null ? Map.of() : plan.firstRunNanos(); }

    private void getRows(Op.GetRows o) {
        int n = o.ids().shape().cols();
        int vocab = o.table().shape().rows();
        int[] ids = hostIds((TornadoTensor) o.ids());
        for (int i = 0; i < n; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("GetRows: id " + ids[i] + " at position " + i + " is outside the table's "
                        + vocab + " rows");
            }
        }
        long count = (long) n * o.table().shape().cols();
        params(off(o.table()), off(o.ids()), off(o.dst()), (int) count, o.table().shape().cols());
        plan.runItems(Program.getRows(o.table().type()), count);
    }

    private void matMul(Op.MatMul o) {
        params(off(o.w()), off(o.x()), off(o.dst()), o.bias() == null ? -1 : off(o.bias()),
                o.w().shape().rows(), o.w().shape().cols(), o.x().shape().rows());
        plan.runGroups(Program.matMul(o.w().type()), o.w().shape().rows());
    }

    private void elementwise(int kernelOp, Tensor a, Tensor b, float factor, Tensor dst) {
        long count = a.shape().elements();
        boolean broadcast = !b.shape().equals(a.shape());
        params(kernelOp, off(a), off(b), off(dst), (int) count, a.shape().cols(), broadcast ? 1 : 0);
        plan.floatParams.set(0, factor);
        plan.runItems(Program.ELEMENTWISE, count);
    }

    /** The ids as the host last wrote them, or read back when the device may have changed them. */
    private int[] hostIds(TornadoTensor ids) {
        int n = ids.shape().cols();
        if (plan == null) {
            return heaps.segment(Kind.INT, ids.offset(), n).toArray(ValueLayout.JAVA_INT_UNALIGNED);
        }
        if (hostIntsOffset >= 0 && ids.offset() >= hostIntsOffset && ids.offset() + n <= hostIntsOffset + hostInts.length) {
            int[] copy = new int[n];
            System.arraycopy(hostInts, ids.offset() - hostIntsOffset, copy, 0, n);
            return copy;
        }
        MemorySegment back = MemorySegment.ofArray(new int[n]);
        read(ids, back);
        return back.toArray(ValueLayout.JAVA_INT_UNALIGNED);
    }

    /** Writes GGUF-layout bytes into a tensor: to the host heap before the first op, through staging after. */
    private void store(TornadoTensor t, MemorySegment src) {
        if (t.heap() == Kind.INT) {
            hostIntsOffset = t.offset();
            hostInts = src.toArray(ValueLayout.JAVA_INT_UNALIGNED);
        }
        if (plan == null || t.heap() == Kind.BYTE) {
            MemorySegment.copy(src, 0, heaps.segment(t.heap(), t.offset(), t.units()), 0, t.byteSize());
            if (plan == null) return;
        }
        int stage = stageSize(t.heap());
        for (long done = 0; done < t.units(); done += stage) {
            int count = (int) Math.min(stage, t.units() - done);
            long bytes = (long) count * t.heap().elementBytes;
            MemorySegment staged = switch (t.heap()) {
                case FLOAT -> plan.stageFloats.getSegment();
                case SHORT -> plan.stageShorts.getSegment();
                case BYTE -> plan.stageBytes.getSegment();
                case INT -> plan.stageInts.getSegment();
            };
            MemorySegment.copy(src, done * t.heap().elementBytes, staged, 0, bytes);
            params(t.offset() + (int) done, count);
            plan.runItems(switch (t.heap()) {
                case FLOAT -> Program.FLOATS_IN;
                case SHORT -> Program.SHORTS_IN;
                case BYTE -> Program.BYTES_IN;
                case INT -> Program.INTS_IN;
            }, count);
        }
    }

    private TornadoTensor reserve(TensorType type, Shape shape) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        checkRowMultiple(type, shape);
        Kind kind = Kind.of(type);
        long units = Kind.units(type, shape.elements());
        int growth = 2;
        if (plan != null && !heaps.fits(kind, units)) {
            // The heap must be replaced: bring the device copies home, then build a new plan on the next op.
            // It grows 4x, so that tensors created one by one as ops first need them cost few rebuilds.
            plan.downloadHeaps();
            plan.close();
            plan = null;
            growth = 4;
        }
        return new TornadoTensor(this, type, shape, kind, heaps.reserve(kind, units, growth));
    }

    private static void checkRowMultiple(TensorType type, Shape shape) {
        if (shape.cols() % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must be a multiple of " + type.blockSize() + " elements, got " + shape);
        }
    }

    private static void checkBytes(String what, long expected, long actual) {
        if (expected != actual) throw new IllegalArgumentException(what + " needs " + expected + " bytes, got " + actual);
    }

    private static int stageSize(Kind kind) {
        return switch (kind) {
            case FLOAT -> DevicePlan.STAGE_FLOATS;
            case SHORT -> DevicePlan.STAGE_SHORTS;
            case BYTE -> DevicePlan.STAGE_BYTES;
            case INT -> DevicePlan.STAGE_INTS;
        };
    }

    private void params(int... values) {
        for (int i = 0; i < values.length; i++) plan.params.set(i, values[i]);
    }

    private TornadoTensor own(Tensor t, String what) {
        Objects.requireNonNull(t, what);
        if (t instanceof TornadoTensor tt && tt.owner() == this) return tt;
        throw new IllegalArgumentException(what + " " + t + " does not belong to this TornadoVM backend");
    }

    private int off(Tensor t) { return own(t, "op tensor").offset(); }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the TornadoVM backend on " + info.qualifiedId() + " is closed");
    }
}
