package io.microllm.backend.cpu;

import io.microllm.kernels.quant.Bf16;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static io.microllm.backend.cpu.Kernels.F32;
import static io.microllm.backend.cpu.Kernels.I16;

/**
 * The ops that work row by row (norms, softmax, RoPE, elementwise, lookups, copies); a chunk is a range of rows.
 * Copy works on blocks of {@link #COPY_BLOCK} elements instead, since its source and destination shapes may differ.
 */
final class RowTask implements WorkerPool.Task {

    static final int COPY_BLOCK = 4096;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Kernels kernels;
    private Op op;
    private int rows, chunks;

    RowTask(Kernels kernels) { this.kernels = kernels; }

    void set(Op op, int rows, int chunks) {
        this.op = op;
        this.rows = rows;
        this.chunks = chunks;
    }

    static int copyBlocks(long elements) { return Math.toIntExact(Math.ceilDiv(elements, COPY_BLOCK)); }

    /** Rejects out-of-range token ids before any work starts. */
    static void checkIds(CpuTensor table, CpuTensor ids) {
        int vocab = table.shape().rows();
        for (int i = 0; i < ids.shape().cols(); i++) {
            int id = ids.data().get(I32, 4L * i);
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("GetRows: id " + id + " at position " + i + " is outside the table's " + vocab + " rows");
            }
        }
    }

    @Override
    public void run(int chunk, Scratch scratch) {
        int from = (int) ((long) rows * chunk / chunks), to = (int) ((long) rows * (chunk + 1) / chunks);
        for (int r = from; r < to; r++) {
            switch (op) {
                case Op.RmsNorm o -> rmsNorm(o, r);
                case Op.Softmax o -> softmax(o, r, scratch);
                case Op.Rope o -> rope(o, r, scratch);
                case Op.Silu o -> {
                    long at = rowOffset(o.x(), r);
                    kernels.silu(data(o.x()), at, null, 0, data(o.dst()), at, cols(o.x()));
                }
                case Op.SwiGlu o -> {
                    long at = rowOffset(o.gate(), r);
                    kernels.silu(data(o.gate()), at, data(o.up()), at, data(o.dst()), at, cols(o.gate()));
                }
                case Op.Add o -> addOrMul(true, (CpuTensor) o.a(), (CpuTensor) o.b(), (CpuTensor) o.dst(), r);
                case Op.Mul o -> addOrMul(false, (CpuTensor) o.a(), (CpuTensor) o.b(), (CpuTensor) o.dst(), r);
                case Op.Scale o -> {
                    long at = rowOffset(o.x(), r);
                    kernels.scale(data(o.x()), at, o.factor(), null, data(o.dst()), at, cols(o.x()));
                }
                case Op.Argmax o -> argmax(o, r);
                case Op.GetRows o -> getRow(o, r, scratch);
                case Op.Copy o -> copy(o, r);
                case Op.MatMul o -> throw new IllegalStateException("MatMul is not a row op");
                case Op.Attention o -> throw new IllegalStateException("Attention is not a row op");
            }
        }
    }

    private void rmsNorm(Op.RmsNorm o, int r) {
        int n = cols(o.x());
        long at = rowOffset(o.x(), r);
        float mean = kernels.sumOfSquares(data(o.x()), at, n) / n;
        float factor = (float) (1.0 / Math.sqrt(mean + o.eps()));
        kernels.scale(data(o.x()), at, factor, o.weight() == null ? null : data(o.weight()), data(o.dst()), at, n);
    }

    private void softmax(Op.Softmax o, int r, Scratch scratch) {
        int n = cols(o.x());
        long at = rowOffset(o.x(), r);
        float[] a = scratch.floats(Scratch.SCORES, n);
        MemorySegment.copy(data(o.x()), F32, at, a, 0, n);
        float scale = o.scale();
        for (int i = 0; i < n; i++) a[i] *= scale;
        float sum = kernels.expAndSum(a, n, kernels.max(a, n));
        float inv = 1f / sum;
        for (int i = 0; i < n; i++) a[i] *= inv;
        MemorySegment.copy(a, 0, data(o.dst()), F32, at, n);
    }

    /** Rotates pairs by {@code theta = pos · base^(-2j/nRot) / freqFactors[j]}, in double like the reference. */
    private void rope(Op.Rope o, int r, Scratch scratch) {
        int n = cols(o.x()), half = o.nRot() / 2;
        long at = rowOffset(o.x(), r);
        MemorySegment x = data(o.x()), dst = data(o.dst());
        if (!x.equals(dst)) MemorySegment.copy(x, at, dst, at, 4L * n);

        float[] table = scratch.floats(Scratch.HEAD, 2 * half);
        long pos = (long) o.position0() + r;
        MemorySegment ff = o.freqFactors() == null ? null : data(o.freqFactors());
        for (int j = 0; j < half; j++) {
            double theta = pos * Math.pow(o.base(), -2.0 * j / o.nRot()) / (ff == null ? 1.0 : ff.get(F32, 4L * j));
            table[j] = (float) Math.cos(theta);
            table[half + j] = (float) Math.sin(theta);
        }
        boolean neox = o.mode() == RopeMode.NEOX;
        for (int head = 0; head < n; head += o.headDim()) {
            for (int j = 0; j < half; j++) {
                long i0 = at + 4L * (head + (neox ? j : 2 * j));
                long i1 = i0 + 4L * (neox ? half : 1);
                float a = dst.get(F32, i0), b = dst.get(F32, i1), cos = table[j], sin = table[half + j];
                dst.set(F32, i0, a * cos - b * sin);
                dst.set(F32, i1, a * sin + b * cos);
            }
        }
    }

    private void addOrMul(boolean add, CpuTensor a, CpuTensor b, CpuTensor dst, int r) {
        long at = rowOffset(a, r);
        long bAt = b.shape().rows() == 1 ? 0 : at;
        kernels.addOrMul(add, a.data(), at, b.data(), bAt, dst.data(), at, a.shape().cols());
    }

    private void argmax(Op.Argmax o, int r) {
        int n = cols(o.x());
        long at = rowOffset(o.x(), r);
        MemorySegment x = data(o.x());
        int best = 0;
        float max = x.get(F32, at);
        for (int i = 1; i < n; i++) {
            float v = x.get(F32, at + 4L * i);
            if (v > max) {
                max = v;
                best = i;
            }
        }
        data(o.dst()).set(I32, 4L * r, best);
    }

    private void getRow(Op.GetRows o, int r, Scratch scratch) {
        CpuTensor table = (CpuTensor) o.table();
        int n = table.shape().cols();
        long id = data(o.ids()).get(I32, 4L * r);
        long dstAt = 4L * r * n;
        if (table.type() == TensorType.F32) {
            MemorySegment.copy(table.data(), id * table.rowBytes(), data(o.dst()), dstAt, 4L * n);
        } else {
            float[] row = scratch.floats(Scratch.WEIGHT_ROWS, n);
            kernels.dequantizeRow(table.type(), table.data(), id * table.rowBytes(), row, 0, n);
            MemorySegment.copy(row, 0, data(o.dst()), F32, dstAt, n);
        }
    }

    private void copy(Op.Copy o, int block) {
        long from = (long) block * COPY_BLOCK, to = Math.min(o.src().shape().elements(), from + COPY_BLOCK);
        TensorType st = o.src().type(), dt = o.dst().type();
        MemorySegment src = data(o.src()), dst = data(o.dst());
        if (st == dt) {
            MemorySegment.copy(src, st.bytes(from), dst, dt.bytes(from), st.bytes(to - from));
            return;
        }
        for (long i = from; i < to; i++) {
            float v = switch (st) {
                case F32 -> src.get(F32, 4 * i);
                case F16 -> Float.float16ToFloat(src.get(I16, 2 * i));
                default -> Bf16.toFloat(src.get(I16, 2 * i));
            };
            switch (dt) {
                case F32 -> dst.set(F32, 4 * i, v);
                case F16 -> dst.set(I16, 2 * i, Float.floatToFloat16(v));
                default -> dst.set(I16, 2 * i, Bf16.fromFloat(v));
            }
        }
    }

    private static MemorySegment data(io.microllm.spi.Tensor t) { return ((CpuTensor) t).data(); }

    private static int cols(io.microllm.spi.Tensor t) { return t.shape().cols(); }

    private static long rowOffset(io.microllm.spi.Tensor t, int r) { return 4L * r * t.shape().cols(); }
}
