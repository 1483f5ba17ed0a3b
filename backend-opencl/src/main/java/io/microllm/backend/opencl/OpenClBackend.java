package io.microllm.backend.opencl;

import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_mem;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One OpenCL device: a context, an in-order queue, the programs, and the tensors. Ops are enqueued without waiting;
 * only {@link #read} and {@link #synchronize} wait. Weights are uploaded once (used in place on devices that share
 * host memory), activations and caches never leave the device between ops.
 *
 * <p>Options (BackendOptions properties, or system properties with the "microllm." prefix):
 * <ul>
 * <li>{@code opencl.opFilter}: ops to decline, "Rope,Attention" or "MatMul:Q4_K";</li>
 * <li>{@code opencl.kernelShape}: {@code rows} (one row per work-item, CPU devices), {@code wg} (work-group
 *     reductions, GPUs) or {@code auto} (by device type);</li>
 * <li>{@code opencl.weightLayout}: quantized weights in {@code gguf} layout (zero-copy where the device shares host
 *     memory), {@code split} (repacked: quants and scales in separate arrays) or {@code auto};</li>
 * <li>{@code opencl.cacheDir}: where compiled programs are kept, or {@code off}.</li>
 * </ul>
 */
public final class OpenClBackend implements Backend {
    /** Local size of the one-row-per-work-item kernels. */
    static final int CPU_LOCAL_SIZE = 16;
    /** Work-group size of the *_wg kernels (and of elementwise kernels everywhere). */
    static final int GPU_WORK_GROUP = 64;
    /** Transfers of more than this go in pieces (ByteBuffers are int-indexed). */
    private static final long TRANSFER_CHUNK = 1L << 30;
    /** I32 tensors up to this size keep a host copy of their values for checking GetRows ids before launch. */
    private static final long MAX_HOST_IDS = 1 << 20;

    private static final System.Logger LOG = System.getLogger(OpenClBackend.class.getName());
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ClDevice device;
    private final DeviceInfo info;
    private final boolean rowKernels;
    private final boolean splitQuants;
    private final OpGate gate;
    private final cl_context context;
    private final cl_command_queue queue;
    private final Programs programs;
    private final List<ClStorage> storages = new ArrayList<>();
    private final OpLauncher launcher;
    /** Bound to optional kernel arguments that are absent (no bias, no norm weight). */
    private final cl_mem dummy;
    /** Data errors found by kernels (see common.cl report_error). */
    private final cl_mem errors;
    private cl_mem scratch;
    private long scratchBytes;
    private boolean deviceChecksPending;
    private boolean closed;
    private RuntimeException failure;
    private String injectedCall;
    private int injectedCode;

    OpenClBackend(ClDevice device, BackendOptions options, List<OpGate.DenyEntry> denyList) {
        this.device = device;
        this.info = device.info();
        this.rowKernels = switch (option(options, "opencl.kernelShape", "auto", "auto", "rows", "wg")) {
            case "rows" -> true;
            case "wg" -> false;
            default -> device.kind() == DeviceKind.CPU;
        };
        // Discrete GPUs get a copy of every weight anyway, so repacking it costs nothing; where the device reads host
        // memory, GGUF layout lets the mapped model file serve as the weights with no copy at all.
        this.splitQuants = switch (option(options, "opencl.weightLayout", "auto", "auto", "gguf", "split")) {
            case "gguf" -> false;
            case "split" -> true;
            default -> !device.unifiedMemory();
        };
        this.gate = new OpGate(OpGate.parseRules(options.property("opencl.opFilter", ""), "opencl.opFilter"),
                denyList.stream().filter(e -> e.appliesTo(device)).toList());
        String cacheDir = options.property("opencl.cacheDir", "");
        ProgramCache cache = new ProgramCache(cacheDir.equals("off") ? null
                : cacheDir.isBlank() ? ProgramCache.defaultDir() : Path.of(cacheDir));

        int[] err = new int[1];
        this.context = Cl.created("clCreateContext(" + device.name() + ")",
                CL.clCreateContext(null, 1, new cl_device_id[] {device.device()}, null, null, err), err);
        cl_command_queue q = null;
        Programs p = null;
        cl_mem d = null;
        cl_mem e = null;
        try {
            q = Cl.created("clCreateCommandQueue", CL.clCreateCommandQueue(context, device.device(), 0, err), err);
            this.queue = q;
            p = new Programs(context, device, cache, "-cl-std=CL1.2 -DWG=" + GPU_WORK_GROUP);
            this.programs = p;
            d = createBuffer("dummy", CL.CL_MEM_READ_WRITE, 16, null);
            e = createBuffer("errors", CL.CL_MEM_READ_WRITE, 16, null);
            fill(e, 0, 16);
            this.dummy = d;
            this.errors = e;
        } catch (RuntimeException ex) {
            if (p != null) p.close();
            Cl.release(d);
            Cl.release(e);
            Cl.release(q);
            Cl.release(context);
            throw ex;
        }
        this.launcher = new OpLauncher(this, programs, rowKernels);
        LOG.log(System.Logger.Level.DEBUG, () -> "OpenCL " + device.name() + " (" + device.platformName() + ") open, "
                + (rowKernels ? "row" : "work-group") + " kernels, " + (splitQuants ? "split" : "GGUF") + " weight layout, "
                + (cache.dir() == null ? "program cache off" : "program cache " + cache.dir()));
    }

    private static String option(BackendOptions options, String key, String fallback, String... allowed) {
        String v = options.property(key, fallback).trim().toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(v)) throw new IllegalArgumentException(key + " must be one of " + List.of(allowed) + ", got '" + v + "'");
        return v;
    }

    @Override
    public DeviceInfo device() { return info; }

    /**
     * Time spent building programs since this backend opened, apart from run time: compiled from source (first run on
     * a device/driver) or loaded from the disk cache. Programs are built on first use; weight programs at upload.
     */
    public ProgramStats programStats() { return programs.stats(); }

    /** OpenCL objects created by this module and not released yet, over all backends in this JVM (leak checks). */
    public static int liveObjects() { return Cl.liveObjects(); }

    cl_mem dummy() { return dummy; }

    cl_mem errors() { return errors; }

    // ---------------------------------------------------------------------------------------------- capability

    @Override
    public Support supports(Op op) {
        try {
            op.validate();
        } catch (IllegalArgumentException e) {
            return Support.no(e.getMessage());
        }
        String declined = gate.declineReason(op);
        if (declined != null) return Support.no(declined);
        if (op instanceof Op.MatMul m && m.w().type() == TensorType.I32) return Support.no("MatMul: I32 weights are not a weight type");
        if (op instanceof Op.GetRows g && g.table().type() == TensorType.I32) return Support.no("GetRows: I32 tables are not supported");
        List<Tensor> all = new ArrayList<>(op.inputs());
        all.add(op.output());
        for (Tensor t : all) {
            if (t.byteSize() > device.maxAllocation()) {
                return Support.no(op.name() + ": a " + t.type() + " " + t.shape() + " tensor (" + t.byteSize()
                        + " bytes) exceeds this device's largest buffer (" + device.maxAllocation() + " bytes)");
            }
        }
        if (op instanceof Op.Attention a && a.k().type() != a.v().type()) {
            return Support.no("Attention: k and v caches of different types (" + a.k().type() + ", " + a.v().type() + ")");
        }
        if (op instanceof Op.Attention a && attentionScratchBytes(a) > device.maxAllocation()) {
            return Support.no("Attention: the score buffer for " + a.q().shape().rows() + " rows x " + a.nHead()
                    + " heads x " + (a.position0() + a.q().shape().rows()) + " positions exceeds this device's largest buffer");
        }
        return Support.YES;
    }

    static long attentionScratchBytes(Op.Attention a) {
        long n = a.q().shape().rows();
        return 4L * n * a.nHead() * (a.position0() + n);
    }

    // ---------------------------------------------------------------------------------------------- tensors

    @Override
    public Tensor allocate(TensorType type, Shape shape) {
        ensureUsable();
        WeightLayout layout = layout(type, shape);
        long bytes = layout.deviceBytes();
        cl_mem mem = createBuffer("allocate " + type + " " + shape, CL.CL_MEM_READ_WRITE, bytes, null);
        try {
            fill(mem, 0, bytes);
        } catch (RuntimeException e) {
            Cl.release(mem);
            throw e;
        }
        return register(new ClStorage(this, type, shape.elements(), layout, mem, null), shape);
    }

    @Override
    public Tensor upload(TensorType type, Shape shape, MemorySegment data) {
        ensureUsable();
        WeightLayout layout = layout(type, shape);
        long bytes = type.bytes(shape.elements());
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("upload: " + type + " " + shape + " needs " + bytes + " bytes, data has " + data.byteSize());
        }
        if (type != TensorType.I32) programs.prepare(launcher.weights(type, layout.split()));  // compile now, not mid-run
        String what = "upload " + type + " " + shape;
        ClStorage storage;
        if (layout.split()) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment packed = arena.allocate(layout.deviceBytes(), 64);
                layout.pack(data, packed);
                storage = new ClStorage(this, type, shape.elements(), layout, copyToDevice(what, packed), null);
            }
        } else if (device.unifiedMemory() && data.isNative() && bytes <= Integer.MAX_VALUE) {
            // Zero-copy: the device reads the caller's memory (e.g. the memory-mapped model) in place.
            cl_mem mem = createBuffer(what, CL.CL_MEM_READ_ONLY | CL.CL_MEM_USE_HOST_PTR, bytes, Pointer.to(data.asByteBuffer()));
            storage = new ClStorage(this, type, shape.elements(), layout, mem, data);
        } else {
            storage = new ClStorage(this, type, shape.elements(), layout, copyToDevice(what, data), null);
        }
        if (type == TensorType.I32 && shape.elements() <= MAX_HOST_IDS) storage.hostInts = data.toArray(I32);
        return register(storage, shape);
    }

    private cl_mem copyToDevice(String what, MemorySegment data) {
        cl_mem mem = createBuffer(what, CL.CL_MEM_READ_WRITE, data.byteSize(), null);
        try {
            writeBytes(mem, 0, data);
        } catch (RuntimeException e) {
            Cl.release(mem);
            throw e;
        }
        return mem;
    }

    /** How a new tensor is laid out on the device; fails clearly when the device cannot hold it. */
    private WeightLayout layout(TensorType type, Shape shape) {
        if (shape.cols() % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must hold whole blocks of " + type.blockSize() + " values, got " + shape);
        }
        WeightLayout layout = new WeightLayout(type, shape.elements(), splitQuants);
        long bytes = layout.deviceBytes();
        if (bytes > device.maxAllocation()) {
            throw new IllegalArgumentException(type + " " + shape + " needs " + bytes + " bytes, more than the largest buffer "
                    + device.name() + " allows (" + device.maxAllocation() + " bytes, CL_DEVICE_MAX_MEM_ALLOC_SIZE)");
        }
        return layout;
    }

    private ClTensor register(ClStorage storage, Shape shape) {
        storages.add(storage);
        return new ClTensor(storage, storage.type, shape, 0);
    }

    @Override
    public Tensor view(Tensor base, int firstRow, Shape shape) {
        ClTensor b = own(base, "view base");
        if (firstRow < 0 || firstRow >= b.shape().rows()) {
            throw new IllegalArgumentException("view: row " + firstRow + " is outside " + b.shape());
        }
        long start = (long) firstRow * b.shape().cols();
        if (start + shape.elements() > b.shape().elements()) {
            throw new IllegalArgumentException("view: " + shape + " from row " + firstRow + " runs past the end of " + b.shape());
        }
        if (shape.cols() % b.type().blockSize() != 0) {
            throw new IllegalArgumentException("view: " + b.type() + " rows must hold whole blocks of " + b.type().blockSize()
                    + " elements, got " + shape);
        }
        return new ClTensor(b.storage(), b.type(), shape, b.firstElement() + start);
    }

    @Override
    public void write(Tensor dst, MemorySegment source) {
        ensureUsable();
        ClTensor t = own(dst, "write dst");
        if (source.byteSize() < t.byteSize()) {
            throw new IllegalArgumentException("write: " + t + " needs " + t.byteSize() + " bytes, src has " + source.byteSize());
        }
        MemorySegment src = source.asSlice(0, t.byteSize());
        ClStorage s = t.storage();
        makeWritable(s);
        WeightLayout layout = s.layout;
        guard(() -> {
            if (!layout.split()) {
                writeBytes(s.mem, t.type().bytes(t.firstElement()), src);
                return;
            }
            long first = t.firstBlock();
            long count = t.shape().elements() / t.type().blockSize();
            try (Arena arena = Arena.ofConfined()) {
                for (WeightLayout.Range r : layout.ranges(first, count)) {
                    MemorySegment staging = arena.allocate(r.bytes(), 64);
                    layout.gather(r.field(), src, count, staging, 0);
                    writeBytes(s.mem, r.deviceOffset(), staging);
                }
            }
        });
        if (s.type == TensorType.I32 && s.elements <= MAX_HOST_IDS) {
            if (s.hostInts == null && t.firstElement() == 0 && t.shape().elements() == s.elements) s.hostInts = new int[(int) s.elements];
            if (s.hostInts != null) MemorySegment.copy(src, I32, 0, s.hostInts, (int) t.firstElement(), (int) t.shape().elements());
        }
    }

    @Override
    public void read(Tensor src, MemorySegment target) {
        ensureUsable();
        ClTensor t = own(src, "read src");
        if (target.byteSize() < t.byteSize()) {
            throw new IllegalArgumentException("read: " + t + " needs " + t.byteSize() + " bytes, dst has " + target.byteSize());
        }
        if (target.isReadOnly()) throw new IllegalArgumentException("read: dst is a read-only segment");
        MemorySegment dst = target.asSlice(0, t.byteSize());
        WeightLayout layout = t.storage().layout;
        guard(() -> {
            if (!layout.split()) {
                readBytes(t.mem(), t.type().bytes(t.firstElement()), dst);
                return;
            }
            long first = t.firstBlock();
            long count = t.shape().elements() / t.type().blockSize();
            try (Arena arena = Arena.ofConfined()) {
                for (WeightLayout.Range r : layout.ranges(first, count)) {
                    MemorySegment staging = arena.allocate(r.bytes(), 64);
                    readBytes(t.mem(), r.deviceOffset(), staging);
                    layout.scatter(r.field(), staging, 0, count, dst);
                }
            }
        });
        checkDeviceErrors();
    }

    /**
     * The op's output as this backend's tensor, made ready to be written by a kernel: a zero-copy buffer becomes a
     * device copy, and host-known ids are forgotten.
     */
    ClTensor output(ClTensor t) {
        makeWritable(t.storage());
        t.storage().hostInts = null;
        return t;
    }

    /** Enqueues a kernel; every tensor argument must already be checked with {@link #own}. */
    void enqueue(ClKernel k, long[] global, long[] local) {
        check(k.enqueueCall, k.enqueue(queue, global, local));
    }

    /** The tensor as this backend's, or an IllegalArgumentException naming the role. */
    ClTensor own(Tensor t, String role) { return own(t, "", role); }

    /** The tensor as this backend's, or an IllegalArgumentException naming the op (an Op or a kernel name) and role. */
    ClTensor own(Tensor t, Object op, String role) {
        if (t instanceof ClTensor c && c.storage().owner == this && !c.storage().released) return c;
        String what = (op instanceof Op o ? o.name() + " " : op.toString().isEmpty() ? "" : op + " ") + role;
        if (t instanceof ClTensor c && c.storage().owner == this) {
            throw new IllegalStateException(what + ": " + t + " was released when its backend closed");
        }
        throw new IllegalArgumentException(what + ": " + t + " does not belong to this OpenCL backend");
    }

    /**
     * A zero-copy buffer aliases memory the caller promised only to keep alive (often a read-only file mapping), so it
     * becomes a device-owned copy before anything writes it.
     */
    void makeWritable(ClStorage s) {
        if (!s.zeroCopy()) return;
        cl_mem copy = createBuffer("copy of a zero-copy weight", CL.CL_MEM_READ_WRITE | CL.CL_MEM_COPY_HOST_PTR,
                s.hostData.byteSize(), Pointer.to(s.hostData.asByteBuffer()));
        Cl.release(s.mem);
        s.mem = copy;
        s.hostData = null;
    }

    // ---------------------------------------------------------------------------------------------- execution

    @Override
    public void execute(Op op) {
        ensureUsable();
        op.validate();
        String declined = gate.declineReason(op);
        if (declined != null) throw new UnsupportedOperationException(declined);
        guard(() -> launcher.launch(op));  // checks that every tensor is this backend's before enqueueing anything
    }

    /** Runs an enqueue step; an OpenCL failure there breaks the backend until it is closed and reopened. */
    private void guard(Runnable step) {
        try {
            step.run();
        } catch (OpenClException e) {
            failure = e;
            throw e;
        }
    }

    /** Checks a queue call's result, applying a failure injected by tests. */
    void check(String call, int code) {
        if (injectedCall != null && call.startsWith(injectedCall)) {
            code = injectedCode;
            injectedCall = null;
        }
        Cl.check(call, code);
    }

    /** Test hook: the next queue call whose description starts with {@code call} fails with {@code code}. */
    void injectFailure(String call, int code) {
        injectedCall = call;
        injectedCode = code;
    }

    @Override
    public void synchronize() {
        ensureUsable();
        guard(() -> check("clFinish", CL.clFinish(queue)));
        checkDeviceErrors();
    }

    /** A kernel will check data on the device; its verdict is read at the next read() or synchronize(). */
    void expectDeviceChecks() { deviceChecksPending = true; }

    private void checkDeviceErrors() {
        if (!deviceChecksPending) return;
        deviceChecksPending = false;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment e = arena.allocate(16, 4);
            guard(() -> readBytes(errors, 0, e));
            int code = e.get(I32, 0);
            if (code == 0) return;
            guard(() -> fill(errors, 0, 16));
            throw new IllegalArgumentException("GetRows: token id " + e.get(I32, 4) + " is out of range for a table of "
                    + e.get(I32, 8) + " rows (found on the device, where the ids were computed; the affected rows are zero)");
        }
    }

    /** The scratch buffer for attention scores, grown to at least {@code bytes}. */
    cl_mem scratch(long bytes) {
        if (bytes > scratchBytes) {
            cl_mem grown = createBuffer("attention scores", CL.CL_MEM_READ_WRITE, bytes, null);
            Cl.release(scratch);  // commands already enqueued keep the old buffer alive until they finish
            scratch = grown;
            scratchBytes = bytes;
        }
        return scratch;
    }

    // ---------------------------------------------------------------------------------------------- OpenCL helpers

    private cl_mem createBuffer(String what, long flags, long bytes, Pointer host) {
        int[] err = new int[1];
        cl_mem mem = CL.clCreateBuffer(context, flags, bytes, host, err);
        return Cl.created("clCreateBuffer(" + what + ", " + bytes + " bytes)", mem, err);
    }

    private void fill(cl_mem mem, long offset, long bytes) {
        check("clEnqueueFillBuffer", CL.clEnqueueFillBuffer(queue, mem, Pointer.to(new byte[1]), 1, offset, bytes, 0, null, null));
    }

    /** Blocking host-to-device copy; heap segments and huge ones go through native chunks. */
    private void writeBytes(cl_mem mem, long offset, MemorySegment src) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = src.isNative() ? null : arena.allocate(Math.min(src.byteSize(), TRANSFER_CHUNK), 64);
            for (long done = 0; done < src.byteSize(); done += TRANSFER_CHUNK) {
                long n = Math.min(TRANSFER_CHUNK, src.byteSize() - done);
                MemorySegment chunk = src.asSlice(done, n);
                if (staging != null) chunk = staging.asSlice(0, n).copyFrom(chunk);
                check("clEnqueueWriteBuffer", CL.clEnqueueWriteBuffer(queue, mem, true, offset + done, n,
                        Pointer.to(chunk.asByteBuffer()), 0, null, null));
            }
        }
    }

    /** Blocking device-to-host copy (waits for every enqueued op first: the queue is in order). */
    private void readBytes(cl_mem mem, long offset, MemorySegment dst) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = dst.isNative() ? null : arena.allocate(Math.min(dst.byteSize(), TRANSFER_CHUNK), 64);
            for (long done = 0; done < dst.byteSize(); done += TRANSFER_CHUNK) {
                long n = Math.min(TRANSFER_CHUNK, dst.byteSize() - done);
                MemorySegment target = staging != null ? staging.asSlice(0, n) : dst.asSlice(done, n);
                check("clEnqueueReadBuffer", CL.clEnqueueReadBuffer(queue, mem, true, offset + done, n,
                        Pointer.to(target.asByteBuffer()), 0, null, null));
                if (staging != null) dst.asSlice(done, n).copyFrom(target);
            }
        }
    }

    private void ensureUsable() {
        if (closed) throw new IllegalStateException("the OpenCL backend on " + device.name() + " is closed");
        if (failure != null) {
            throw new IllegalStateException("the OpenCL backend on " + device.name() + " failed earlier (" + failure.getMessage()
                    + "); close it and open it again", failure);
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        CL.clFinish(queue);  // errors ignored: a failed device still has to give its objects back
        for (ClStorage s : storages) {
            Cl.release(s.mem);
            s.released = true;
            s.hostData = null;
        }
        storages.clear();
        programs.close();
        Cl.release(scratch);
        Cl.release(dummy);
        Cl.release(errors);
        Cl.release(queue);
        Cl.release(context);
    }
}
