package io.microllm.backend.opencl;

import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static io.microllm.backend.opencl.OpenClBackend.CPU_LOCAL_SIZE;
import static io.microllm.backend.opencl.OpenClBackend.GPU_WORK_GROUP;

/**
 * Turns each op into one kernel launch: picks the kernel for the device class, sets its arguments (buffers plus
 * element or byte offsets, so views need no sub-buffers) and sizes the NDRange. Every tensor is checked to be the
 * backend's before anything is enqueued.
 */
final class OpLauncher {
    /** Tokens per work-item/work-group in the n > 1 MatMul kernels (TOKENS in matmul.cl). */
    private static final int MATMUL_TOKENS = 4;

    private static final List<TensorType> FLOAT_TYPES = List.of(TensorType.F32, TensorType.F16, TensorType.BF16);

    private final OpenClBackend backend;
    private final Programs programs;
    private final boolean rows;
    // The programs, resolved once: kernels are found by Spec identity at every launch.
    private final Programs.Spec elementwise = Programs.Spec.plain("elementwise");
    private final Programs.Spec rope = Programs.Spec.plain("rope");
    private final Programs.Spec rmsNorm;
    private final Programs.Spec softmax;
    private final Programs.Spec argmax;
    private final Programs.Spec attentionF32;
    private final Programs.Spec attentionF16;
    private final Map<TensorType, Programs.Spec> weights = new EnumMap<>(TensorType.class);
    private final Map<TensorType, Programs.Spec> weightsSplit = new EnumMap<>(TensorType.class);
    private final Programs.Spec[][] copies = new Programs.Spec[3][3];

    OpLauncher(OpenClBackend backend, Programs programs, boolean rowKernels) {
        this.backend = backend;
        this.programs = programs;
        this.rows = rowKernels;
        this.rmsNorm = Programs.Spec.shaped("rms_norm", rows);
        this.softmax = Programs.Spec.shaped("softmax", rows);
        this.argmax = Programs.Spec.shaped("argmax", rows);
        this.attentionF32 = Programs.Spec.attention(TensorType.F32, rows);
        this.attentionF16 = Programs.Spec.attention(TensorType.F16, rows);
        for (TensorType t : TensorType.values()) {
            if (t == TensorType.I32) continue;
            weights.put(t, Programs.Spec.weights(t, false, rows));
            weightsSplit.put(t, Programs.Spec.weights(t, true, rows));
        }
        for (int f = 0; f < 3; f++) {
            for (int t = 0; t < 3; t++) copies[f][t] = Programs.Spec.copy(FLOAT_TYPES.get(f), FLOAT_TYPES.get(t));
        }
    }

    /** The program with MatMul and GetRows for weights of this type and layout. */
    Programs.Spec weights(TensorType type, boolean split) {
        Programs.Spec s = (split ? weightsSplit : weights).get(type);
        if (s == null) throw new IllegalArgumentException(type + " is not a weight type");
        return s;
    }

    void launch(Op op) {
        switch (op) {
            case Op.GetRows o -> getRows(o);
            case Op.RmsNorm o -> rmsNorm(o);
            case Op.MatMul o -> matMul(o);
            case Op.Rope o -> rope(o);
            case Op.Attention o -> attention(o);
            case Op.Softmax o -> softmax(o);
            case Op.Silu o -> elementwise("silu_f32", o.x(), null, o.dst());
            case Op.SwiGlu o -> elementwise("swiglu_f32", o.gate(), o.up(), o.dst());
            case Op.Add o -> broadcast("add_f32", o.a(), o.b(), o.dst());
            case Op.Mul o -> broadcast("mul_f32", o.a(), o.b(), o.dst());
            case Op.Scale o -> scale(o);
            case Op.Copy o -> copy(o);
            case Op.Argmax o -> argmax(o);
        }
    }

    private ClTensor in(Tensor t, Op op, String role) { return backend.own(t, op, role); }

    private static long roundUp(long n, long multiple) { return (n + multiple - 1) / multiple * multiple; }

    /** One row per work-item (CPU) or per work-group (GPU). */
    private void perRow(ClKernel k, long rowCount) {
        if (rows) backend.enqueue(k, new long[] {roundUp(rowCount, CPU_LOCAL_SIZE)}, new long[] {CPU_LOCAL_SIZE});
        else backend.enqueue(k, new long[] {rowCount * GPU_WORK_GROUP}, new long[] {GPU_WORK_GROUP});
    }

    /** One element per work-item. */
    private void perElement(ClKernel k, long n) {
        backend.enqueue(k, new long[] {roundUp(n, GPU_WORK_GROUP)}, new long[] {GPU_WORK_GROUP});
    }

    private void getRows(Op.GetRows o) {
        ClTensor table = in(o.table(), o, "table");
        ClTensor ids = in(o.ids(), o, "ids");
        ClTensor dst = in(o.dst(), o, "dst");
        if (table.type() == TensorType.I32) throw new IllegalArgumentException("GetRows: I32 tables are not supported");
        int n = dst.shape().rows();
        int tableRows = table.shape().rows();
        int[] known = ids.storage().hostInts;
        if (known != null) {
            for (int i = 0; i < n; i++) {
                int id = known[(int) ids.firstElement() + i];
                if (id < 0 || id >= tableRows) {
                    throw new IllegalArgumentException("GetRows: ids[" + i + "] = " + id + " is out of range for a table of " + tableRows + " rows");
                }
            }
        } else {
            backend.expectDeviceChecks();
        }
        backend.output(dst);
        int cols = table.shape().cols();
        ClKernel k = programs.kernel(weights(table.type(), table.storage().layout.split()), "get_rows").args()
                .mem(table.mem()).u64x4(table.at()).u32x4(table.storage().layout.strides()).u32(cols).u32(tableRows)
                .mem(ids.mem()).u64(ids.offset()).u32(n).mem(dst.mem()).u64(dst.offset()).mem(backend.errors());
        long chunks = (cols + 31) / 32;
        backend.enqueue(k, new long[] {roundUp(chunks, CPU_LOCAL_SIZE), n}, new long[] {CPU_LOCAL_SIZE, 1});
    }

    private void rmsNorm(Op.RmsNorm o) {
        ClTensor x = in(o.x(), o, "x");
        ClTensor w = o.weight() == null ? null : in(o.weight(), o, "weight");
        ClTensor dst = backend.output(in(o.dst(), o, "dst"));
        ClKernel k = programs.kernel(rmsNorm, rows ? "rms_norm_rows" : "rms_norm_wg").args()
                .mem(x.mem()).u64(x.offset())
                .mem(w == null ? backend.dummy() : w.mem()).u64(w == null ? 0 : w.offset()).i32(w == null ? 0 : 1)
                .f32(o.eps()).u32(x.shape().rows()).u32(x.shape().cols()).mem(dst.mem()).u64(dst.offset());
        perRow(k, x.shape().rows());
    }

    private void matMul(Op.MatMul o) {
        ClTensor w = in(o.w(), o, "w");
        ClTensor x = in(o.x(), o, "x");
        ClTensor bias = o.bias() == null ? null : in(o.bias(), o, "bias");
        ClTensor dst = in(o.dst(), o, "dst");
        if (w.type() == TensorType.I32) throw new IllegalArgumentException("MatMul: I32 is not a weight type");
        backend.output(dst);
        int outRows = w.shape().rows();
        int n = x.shape().rows();
        String name = (n == 1 ? "matvec_" : "matmul_") + (rows ? "rows" : "wg");
        ClKernel k = programs.kernel(weights(w.type(), w.storage().layout.split()), name).args()
                .mem(w.mem()).u64x4(w.at()).u32x4(w.storage().layout.strides()).u32(outRows).u32(w.shape().cols());
        if (n > 1) k.u32(n);
        k.mem(x.mem()).u64(x.offset())
                .mem(bias == null ? backend.dummy() : bias.mem()).u64(bias == null ? 0 : bias.offset()).i32(bias == null ? 0 : 1)
                .mem(dst.mem()).u64(dst.offset());
        if (n == 1) {
            perRow(k, outRows);
        } else {
            long groups = (n + MATMUL_TOKENS - 1) / MATMUL_TOKENS;
            if (rows) backend.enqueue(k, new long[] {roundUp(outRows, CPU_LOCAL_SIZE), groups}, new long[] {CPU_LOCAL_SIZE, 1});
            else backend.enqueue(k, new long[] {(long) outRows * GPU_WORK_GROUP, groups}, new long[] {GPU_WORK_GROUP, 1});
        }
    }

    private void rope(Op.Rope o) {
        ClTensor x = in(o.x(), o, "x");
        ClTensor ff = o.freqFactors() == null ? null : in(o.freqFactors(), o, "freqFactors");
        ClTensor dst = backend.output(in(o.dst(), o, "dst"));
        int n = x.shape().rows();
        int heads = x.shape().cols() / o.headDim();
        ClKernel k = programs.kernel(rope, "rope_f32").args()
                .mem(x.mem()).u64(x.offset()).mem(dst.mem()).u64(dst.offset())
                .u32(n).u32(heads).u32(o.headDim()).u32(o.nRot()).i32(o.mode() == RopeMode.NEOX ? 1 : 0).f32(o.base())
                .mem(ff == null ? backend.dummy() : ff.mem()).u64(ff == null ? 0 : ff.offset()).i32(ff == null ? 0 : 1)
                .u32(o.position0());
        long pairs = (o.headDim() + 1) / 2;
        backend.enqueue(k, new long[] {roundUp(pairs, CPU_LOCAL_SIZE), heads, n}, new long[] {CPU_LOCAL_SIZE, 1, 1});
    }

    private void attention(Op.Attention o) {
        ClTensor q = in(o.q(), o, "q");
        ClTensor kc = in(o.k(), o, "k");
        ClTensor vc = in(o.v(), o, "v");
        ClTensor dst = in(o.dst(), o, "dst");
        if (kc.type() != vc.type()) {
            throw new IllegalArgumentException("Attention: k and v caches must have the same type, got " + kc.type() + " and " + vc.type());
        }
        backend.output(dst);
        int n = q.shape().rows();
        int headDim = q.shape().cols() / o.nHead();
        int stride = o.position0() + n;
        var scores = backend.scratch(OpenClBackend.attentionScratchBytes(o));
        ClKernel k = programs.kernel(kc.type() == TensorType.F16 ? attentionF16 : attentionF32, rows ? "attention_rows" : "attention_wg").args()
                .mem(q.mem()).u64(q.offset()).mem(kc.mem()).u64(kc.offset()).mem(vc.mem()).u64(vc.offset())
                .u32(n).u32(o.nHead()).u32(o.nKvHead()).u32(headDim).u32(o.position0()).f32(o.scale())
                .mem(dst.mem()).u64(dst.offset()).mem(scores).u32(stride);
        if (rows) backend.enqueue(k, new long[] {o.nHead(), n}, new long[] {1, 1});
        else backend.enqueue(k, new long[] {(long) o.nHead() * GPU_WORK_GROUP, n}, new long[] {GPU_WORK_GROUP, 1});
    }

    private void softmax(Op.Softmax o) {
        ClTensor x = in(o.x(), o, "x");
        ClTensor dst = backend.output(in(o.dst(), o, "dst"));
        ClKernel k = programs.kernel(softmax, rows ? "softmax_rows" : "softmax_wg").args()
                .mem(x.mem()).u64(x.offset()).f32(o.scale()).u32(x.shape().rows()).u32(x.shape().cols())
                .mem(dst.mem()).u64(dst.offset());
        perRow(k, x.shape().rows());
    }

    /** Silu (b null) and SwiGlu. */
    private void elementwise(String name, Tensor a, Tensor b, Tensor d) {
        ClTensor x = backend.own(a, name, "input");
        ClTensor y = b == null ? null : backend.own(b, name, "input");
        ClTensor dst = backend.output(backend.own(d, name, "dst"));
        ClKernel k = programs.kernel(elementwise, name).args().mem(x.mem()).u64(x.offset());
        if (y != null) k.mem(y.mem()).u64(y.offset());
        k.mem(dst.mem()).u64(dst.offset()).u64(dst.shape().elements());
        perElement(k, dst.shape().elements());
    }

    /** Add and Mul: b is a's shape or one row broadcast over a's rows. */
    private void broadcast(String name, Tensor at, Tensor bt, Tensor d) {
        ClTensor a = backend.own(at, name, "a");
        ClTensor b = backend.own(bt, name, "b");
        ClTensor dst = backend.output(backend.own(d, name, "dst"));
        boolean bIsRow = !b.shape().equals(a.shape());
        ClKernel k = programs.kernel(elementwise, name).args().mem(a.mem()).u64(a.offset()).mem(b.mem()).u64(b.offset()).i32(bIsRow ? 1 : 0)
                .u32(a.shape().cols()).mem(dst.mem()).u64(dst.offset()).u64(dst.shape().elements());
        perElement(k, dst.shape().elements());
    }

    private void scale(Op.Scale o) {
        ClTensor x = in(o.x(), o, "x");
        ClTensor dst = backend.output(in(o.dst(), o, "dst"));
        ClKernel k = programs.kernel(elementwise, "scale_f32").args().mem(x.mem()).u64(x.offset()).f32(o.factor())
                .mem(dst.mem()).u64(dst.offset()).u64(dst.shape().elements());
        perElement(k, dst.shape().elements());
    }

    private void copy(Op.Copy o) {
        ClTensor src = in(o.src(), o, "src");
        ClTensor dst = backend.output(in(o.dst(), o, "dst"));
        Programs.Spec spec = copies[FLOAT_TYPES.indexOf(src.type())][FLOAT_TYPES.indexOf(dst.type())];
        ClKernel k = programs.kernel(spec, "copy").args().mem(src.mem()).u64(src.offset()).mem(dst.mem()).u64(dst.offset()).u64(dst.shape().elements());
        perElement(k, dst.shape().elements());
    }

    private void argmax(Op.Argmax o) {
        ClTensor x = in(o.x(), o, "x");
        ClTensor dst = backend.output(in(o.dst(), o, "dst"));
        ClKernel k = programs.kernel(argmax, rows ? "argmax_rows" : "argmax_wg").args()
                .mem(x.mem()).u64(x.offset()).u32(x.shape().rows()).u32(x.shape().cols()).mem(dst.mem()).u64(dst.offset());
        perRow(k, x.shape().rows());
    }
}
