package io.microllm.kernels.reference;

import io.microllm.kernels.HostTensor;
import io.microllm.kernels.quant.Dequantize;
import io.microllm.kernels.quant.Quantize;
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
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * The oracle: every op on every type, computed by {@link ReferenceOps} on dequantized floats. Tensors are
 * {@link HostTensor}s in GGUF layout; each op reads its inputs as floats, computes, and stores into dst's type.
 * Synchronous. Not registered with ServiceLoader: the conformance suite compares real backends against it.
 */
public final class ReferenceBackend implements Backend {

    public static final DeviceInfo DEVICE = new DeviceInfo("reference", "reference", "scalar reference (Java)",
            DeviceKind.CPU, 0, Set.of(), 1, null);

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Arena arena = Arena.ofShared();
    /** Tensors this backend handed out; weak so that per-step views do not pile up. */
    private final Set<HostTensor> issued = Collections.newSetFromMap(new WeakHashMap<>());
    private boolean closed;

    public ReferenceBackend() {}

    @Override
    public DeviceInfo device() { return DEVICE; }

    /** Yes for every op that passes validation with float-typed weights. */
    @Override
    public Support supports(Op op) {
        try {
            check(op);
            return Support.YES;
        } catch (IllegalArgumentException e) {
            return Support.no(e.getMessage());
        }
    }

    @Override
    public Tensor allocate(TensorType type, Shape shape) {
        requireOpen();
        requireWholeBlocks(type, shape);
        return issue(new HostTensor(type, shape, arena.allocate(type.bytes(shape.elements()), 64)));
    }

    /** Uses {@code data} in place (no copy); it must stay valid while this backend is open. */
    @Override
    public Tensor upload(TensorType type, Shape shape, MemorySegment data) {
        requireOpen();
        requireWholeBlocks(type, shape);
        return issue(new HostTensor(type, shape, data));
    }

    @Override
    public Tensor view(Tensor base, int firstRow, Shape shape) {
        HostTensor b = own("view", "base", base);
        requireWholeBlocks(b.type(), shape);
        long rowBytes = b.type().bytes(b.shape().cols());
        long bytes = b.type().bytes(shape.elements());
        if (firstRow < 0 || firstRow * rowBytes + bytes > b.byteSize()) {
            throw new IllegalArgumentException("view " + shape + " from row " + firstRow + " does not fit in base "
                    + b.type() + " " + b.shape());
        }
        return issue(new HostTensor(b.type(), shape, b.data().asSlice(firstRow * rowBytes, bytes)));
    }

    /** Copies the first {@code dst.byteSize()} bytes of {@code src}. */
    @Override
    public void write(Tensor dst, MemorySegment src) {
        HostTensor d = own("write", "dst", dst);
        if (src.byteSize() < d.byteSize()) {
            throw new IllegalArgumentException("write: " + d.type() + " " + d.shape() + " needs " + d.byteSize()
                    + " bytes, src has " + src.byteSize());
        }
        MemorySegment.copy(src, 0, d.data(), 0, d.byteSize());
    }

    /** Copies {@code src.byteSize()} bytes to the start of {@code dst}. */
    @Override
    public void read(Tensor src, MemorySegment dst) {
        HostTensor s = own("read", "src", src);
        if (dst.byteSize() < s.byteSize()) {
            throw new IllegalArgumentException("read: " + s.type() + " " + s.shape() + " needs " + s.byteSize()
                    + " bytes, dst has " + dst.byteSize());
        }
        MemorySegment.copy(s.data(), 0, dst, 0, s.byteSize());
    }

    @Override
    public void execute(Op op) {
        requireOpen();
        check(op);
        for (Tensor t : op.inputs()) own(op.name(), "input", t);
        own(op.name(), "dst", op.output());
        switch (op) {
            case Op.GetRows o -> {
                Shape table = o.table().shape();
                float[] dst = new float[(int) o.dst().shape().elements()];
                ReferenceOps.getRows(floats(o.table()), table.rows(), table.cols(), ints(o.ids()), dst);
                store(o.dst(), dst);
            }
            case Op.RmsNorm o -> {
                float[] x = floats(o.x());
                ReferenceOps.rmsNorm(x, o.x().shape().rows(), o.x().shape().cols(),
                        o.weight() == null ? null : floats(o.weight()), o.eps(), x);
                store(o.dst(), x);
            }
            case Op.MatMul o -> {
                Shape w = o.w().shape();
                float[] dst = new float[(int) o.dst().shape().elements()];
                ReferenceOps.matMul(floats(o.w()), w.rows(), w.cols(), floats(o.x()), o.x().shape().rows(),
                        o.bias() == null ? null : floats(o.bias()), dst);
                store(o.dst(), dst);
            }
            case Op.Rope o -> {
                float[] x = floats(o.x());
                ReferenceOps.rope(x, o.x().shape().rows(), o.x().shape().cols(), o.headDim(), o.nRot(), o.mode(),
                        o.base(), o.freqFactors() == null ? null : floats(o.freqFactors()), o.position0(), x);
                store(o.dst(), x);
            }
            case Op.Attention o -> {
                float[] dst = new float[(int) o.dst().shape().elements()];
                ReferenceOps.attention(floats(o.q()), o.q().shape().rows(), o.nHead(), o.nKvHead(),
                        o.q().shape().cols() / o.nHead(), floats(o.k()), floats(o.v()), o.position0(), o.scale(), dst);
                store(o.dst(), dst);
            }
            case Op.Softmax o -> {
                float[] x = floats(o.x());
                ReferenceOps.softmax(x, o.x().shape().rows(), o.x().shape().cols(), o.scale(), x);
                store(o.dst(), x);
            }
            case Op.Silu o -> {
                float[] x = floats(o.x());
                ReferenceOps.silu(x, x);
                store(o.dst(), x);
            }
            case Op.SwiGlu o -> {
                float[] gate = floats(o.gate());
                ReferenceOps.swiGlu(gate, floats(o.up()), gate);
                store(o.dst(), gate);
            }
            case Op.Add o -> {
                float[] a = floats(o.a());
                ReferenceOps.add(a, floats(o.b()), o.a().shape().cols(), a);
                store(o.dst(), a);
            }
            case Op.Mul o -> {
                float[] a = floats(o.a());
                ReferenceOps.mul(a, floats(o.b()), o.a().shape().cols(), a);
                store(o.dst(), a);
            }
            case Op.Scale o -> {
                float[] x = floats(o.x());
                ReferenceOps.scale(x, o.factor(), x);
                store(o.dst(), x);
            }
            case Op.Copy o -> {
                float[] x = floats(o.src());
                ReferenceOps.convert(x, o.dst().type(), x);
                store(o.dst(), x);
            }
            case Op.Argmax o -> {
                int[] dst = new int[o.x().shape().rows()];
                ReferenceOps.argmax(floats(o.x()), o.x().shape().rows(), o.x().shape().cols(), dst);
                MemorySegment.copy(dst, 0, ((HostTensor) o.dst()).data(), INT, 0, dst.length);
            }
        }
    }

    /** Ops run synchronously: nothing to wait for. */
    @Override
    public void synchronize() {}

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        issued.clear();
        arena.close();
    }

    /** The SPI's checks, plus: weights and tables must hold floats (any type but I32). */
    private static void check(Op op) {
        op.validate();
        Tensor weights = switch (op) {
            case Op.GetRows o -> o.table();
            case Op.MatMul o -> o.w();
            default -> null;
        };
        if (weights != null && weights.type() == TensorType.I32) {
            throw new IllegalArgumentException(op.name() + ": weights must be a float or quantized type, got I32");
        }
    }

    private HostTensor issue(HostTensor t) {
        issued.add(t);
        return t;
    }

    private HostTensor own(String context, String what, Tensor t) {
        requireOpen();
        if (t instanceof HostTensor h && issued.contains(h)) return h;
        throw new IllegalArgumentException(context + ": " + what + " " + t.type() + " " + t.shape()
                + " does not belong to this reference backend (make tensors with its allocate, upload or view)");
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("the reference backend is closed");
    }

    private static void requireWholeBlocks(TensorType type, Shape shape) {
        if (shape.cols() % type.blockSize() != 0) {
            throw new IllegalArgumentException(type + " rows must hold whole blocks of " + type.blockSize()
                    + " values, got " + shape);
        }
    }

    private static float[] floats(Tensor t) {
        return Dequantize.all(t.type(), ((HostTensor) t).data(), t.shape().elements());
    }

    private static int[] ints(Tensor t) {
        return ((HostTensor) t).data().toArray(INT);
    }

    /** Stores floats into an F32, F16 or BF16 tensor (the op outputs the SPI allows besides Argmax's I32). */
    private static void store(Tensor dst, float[] values) {
        MemorySegment data = ((HostTensor) dst).data();
        if (dst.type() == TensorType.F32) {
            MemorySegment.copy(values, 0, data, FLOAT, 0, values.length);
        } else {
            MemorySegment.copy(MemorySegment.ofArray(Quantize.quantize(dst.type(), values)), 0, data, 0, dst.byteSize());
        }
    }
}
