package io.microllm.backend.cpu;

import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * The CPU backend: runs every op and every type synchronously on a {@link WorkerPool}, with {@link Kernels}
 * chosen at start-up (Vector API or scalar). Weights are used in place; activations live in a shared arena that
 * {@link #close()} frees.
 */
final class CpuBackend implements Backend {

    /** Ops smaller than this many elements run on the calling thread: waking workers would cost more. */
    private static final long PARALLEL_ELEMENTS = 1 << 15;

    private final DeviceInfo device;
    private final Kernels kernels;
    private final WorkerPool pool;
    private final Arena arena = Arena.ofShared();
    private final MatMulTask matMul;
    private final AttentionTask attention;
    private final RowTask rows;
    private boolean closed;

    CpuBackend(DeviceInfo device, int threads, Kernels kernels) {
        this.device = device;
        this.kernels = kernels;
        this.pool = new WorkerPool(threads);
        this.matMul = new MatMulTask(kernels);
        this.attention = new AttentionTask(kernels);
        this.rows = new RowTask(kernels);
    }

    @Override
    public DeviceInfo device() { return device; }

    /** Worker threads, the calling thread included. */
    int threads() { return pool.threads(); }

    /** Every op with every type runs here; the only "no" is an op that fails validation. */
    @Override
    public Support supports(Op op) {
        try {
            op.validate();
            return Support.YES;
        } catch (IllegalArgumentException e) {
            return Support.no(e.getMessage());
        }
    }

    @Override
    public Tensor allocate(TensorType type, Shape shape) {
        ensureOpen();
        long bytes = byteSize(type, shape);
        MemorySegment segment = arena.allocate(bytes, 64);
        return new CpuTensor(this, type, shape, segment, segment);
    }

    /**
     * Zero copy for native memory (a memory-mapped GGUF file included): the tensor reads {@code data} in place
     * while its scope is alive. Heap segments are copied into the backend's arena.
     *
     * <p>The kernels must only ever see one segment class. The Vector API's segment loads share one type profile
     * per JVM; once it has seen mapped and plain native segments (weights and activations), C2 compiles every
     * vector load with type checks, and mat-vec runs at half speed (with heap segments too, a tenth). So a
     * mapped segment is re-addressed as a plain native one, and its scope is checked before each op instead.
     */
    @Override
    public Tensor upload(TensorType type, Shape shape, MemorySegment data) {
        ensureOpen();
        Objects.requireNonNull(data, "data");
        long bytes = byteSize(type, shape);
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("upload of " + type + " " + shape + " needs " + bytes + " bytes, got " + data.byteSize());
        }
        if (!data.isNative()) {
            MemorySegment copy = arena.allocate(bytes, 64).copyFrom(data);
            return new CpuTensor(this, type, shape, copy, data.isReadOnly() ? copy.asReadOnly() : copy);
        }
        return new CpuTensor(this, type, shape, MemorySegment.ofAddress(data.address()).reinterpret(bytes), data);
    }

    @Override
    public Tensor view(Tensor base, int firstRow, Shape shape) {
        ensureOpen();
        CpuTensor b = own("view", base);
        long bytes = byteSize(b.type(), shape);
        if (firstRow < 0 || firstRow >= b.shape().rows()) {
            throw new IllegalArgumentException("view: first row " + firstRow + " is outside " + b);
        }
        long offset = firstRow * b.rowBytes();
        if (offset + bytes > b.data().byteSize()) {
            throw new IllegalArgumentException("view: " + shape + " from row " + firstRow + " runs past the end of " + b);
        }
        return new CpuTensor(this, b.type(), shape, b.data().asSlice(offset, bytes), b.source().asSlice(offset, bytes));
    }

    @Override
    public void write(Tensor dst, MemorySegment src) {
        ensureOpen();
        CpuTensor d = writable("write", dst);
        if (src.byteSize() < d.data().byteSize()) {
            throw new IllegalArgumentException("write: " + d + " needs " + d.data().byteSize() + " bytes, src has " + src.byteSize());
        }
        MemorySegment.copy(src, 0, d.data(), 0, d.data().byteSize());
    }

    @Override
    public void read(Tensor src, MemorySegment dst) {
        ensureOpen();
        CpuTensor s = own("read", src);
        if (dst.byteSize() < s.data().byteSize()) {
            throw new IllegalArgumentException("read: " + s + " has " + s.data().byteSize() + " bytes, dst holds " + dst.byteSize());
        }
        MemorySegment.copy(s.data(), 0, dst, 0, s.data().byteSize());
    }

    @Override
    public void execute(Op op) {
        ensureOpen();
        op.validate();
        switch (op) {
            case Op.MatMul o -> {
                CpuTensor x = own(op, o.x()), dst = target(op, o.dst());
                if (x.data().asOverlappingSlice(dst.data()).isPresent()) {
                    throw new IllegalArgumentException("MatMul: dst " + dst + " overlaps x; a mat-mul cannot run in place");
                }
                matMul.set(own(op, o.w()), x, o.bias() == null ? null : own(op, o.bias()), dst);
                pool.run(matMul.chunks(pool.threads()), matMul);
            }
            case Op.Attention o -> {
                attention.set(o, own(op, o.q()), own(op, o.k()), own(op, o.v()), target(op, o.dst()));
                if (attention.worthParallel()) {
                    pool.run(attention.chunks(), attention);
                } else {
                    for (int c = 0; c < attention.chunks(); c++) attention.run(c, pool.callerScratch());
                }
            }
            case Op.GetRows o -> {
                CpuTensor table = own(op, o.table()), ids = own(op, o.ids());
                target(op, o.dst());
                RowTask.checkIds(table, ids);
                runRows(op, o.dst().shape());
            }
            case Op.Copy o -> {
                own(op, o.src());
                target(op, o.dst());
                runRows(op, Shape.of(RowTask.copyBlocks(o.src().shape().elements()), RowTask.COPY_BLOCK));
            }
            case Op.Argmax o -> {
                own(op, o.x());
                target(op, o.dst());
                runRows(op, o.x().shape());
            }
            case Op.RmsNorm o -> {
                own(op, o.x());
                if (o.weight() != null) own(op, o.weight());
                runRows(op, target(op, o.dst()).shape());
            }
            case Op.Rope o -> {
                own(op, o.x());
                if (o.freqFactors() != null) own(op, o.freqFactors());
                runRows(op, target(op, o.dst()).shape());
            }
            case Op.Softmax o -> { own(op, o.x()); runRows(op, target(op, o.dst()).shape()); }
            case Op.Silu o -> { own(op, o.x()); runRows(op, target(op, o.dst()).shape()); }
            case Op.SwiGlu o -> { own(op, o.gate()); own(op, o.up()); runRows(op, target(op, o.dst()).shape()); }
            case Op.Add o -> { own(op, o.a()); own(op, o.b()); runRows(op, target(op, o.dst()).shape()); }
            case Op.Mul o -> { own(op, o.a()); own(op, o.b()); runRows(op, target(op, o.dst()).shape()); }
            case Op.Scale o -> { own(op, o.x()); runRows(op, target(op, o.dst()).shape()); }
        }
    }

    /** Row-wise ops: in parallel over rows when the op is big enough to pay for the hand-off. */
    private void runRows(Op op, Shape shape) {
        int threads = pool.threads();
        int chunks = threads == 1 || shape.elements() < PARALLEL_ELEMENTS ? 1 : Math.min(shape.rows(), 4 * threads);
        rows.set(op, shape.rows(), chunks);
        if (chunks == 1) rows.run(0, pool.callerScratch());
        else pool.run(chunks, rows);
    }

    /** Ops run synchronously: nothing is ever pending. */
    @Override
    public void synchronize() { ensureOpen(); }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pool.close();
        arena.close();
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("the CPU backend is closed");
    }

    private CpuTensor own(Op op, Tensor t) { return own(op.name(), t); }

    /** A tensor the op writes: it must not be read-only memory (a mapped weight, say). */
    private CpuTensor target(Op op, Tensor t) { return writable(op.name(), t); }

    private CpuTensor writable(String what, Tensor t) {
        CpuTensor c = own(what, t);
        if (c.source().isReadOnly()) throw new IllegalArgumentException(what + ": " + c + " is read-only memory and cannot be written");
        return c;
    }

    private CpuTensor own(String what, Tensor t) {
        if (t instanceof CpuTensor c && c.owner() == this) {
            if (!c.source().scope().isAlive()) throw new IllegalStateException(what + ": the memory of " + c + " was freed (its arena or file is closed)");
            return c;
        }
        Objects.requireNonNull(t, what + ": tensor is null");
        throw new IllegalArgumentException(what + ": " + t + " was not created by this CPU backend; allocate, upload or view it here");
    }

    private static long byteSize(TensorType type, Shape shape) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        if (shape.cols() % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows need a multiple of " + type.blockSize() + " columns, got " + shape);
        }
        return type.bytes(shape.elements());
    }
}
