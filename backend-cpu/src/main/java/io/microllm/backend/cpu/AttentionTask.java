package io.microllm.backend.cpu;

import io.microllm.spi.Op;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

import static io.microllm.backend.cpu.Kernels.F32;

/**
 * Causal grouped-query attention; one chunk is one (query row, head) pair, so generation spreads over heads and
 * prompts over heads and tokens.
 */
final class AttentionTask implements WorkerPool.Task {

    /** Below this many multiply-adds (n·heads·context·headDim) the op runs on one thread. */
    private static final long PARALLEL_WORK = 1 << 15;

    private final Kernels kernels;
    private CpuTensor q, k, v, dst;
    private int nHead, group, headDim, position0;
    private float scale;

    AttentionTask(Kernels kernels) { this.kernels = kernels; }

    void set(Op.Attention op, CpuTensor q, CpuTensor k, CpuTensor v, CpuTensor dst) {
        this.q = q;
        this.k = k;
        this.v = v;
        this.dst = dst;
        this.nHead = op.nHead();
        this.group = op.nHead() / op.nKvHead();
        this.headDim = q.shape().cols() / op.nHead();
        this.position0 = op.position0();
        this.scale = op.scale();
    }

    int chunks() { return q.shape().rows() * nHead; }

    boolean worthParallel() {
        long rows = q.shape().rows();
        return rows * nHead * (position0 + rows) * headDim >= PARALLEL_WORK;
    }

    @Override
    public void run(int chunk, Scratch scratch) {
        int i = chunk / nHead, h = chunk % nHead, kvHead = h / group;
        int context = position0 + i + 1;
        long qOffset = 4L * ((long) i * q.shape().cols() + (long) h * headDim);
        TensorType kType = k.type(), vType = v.type();
        long kRow = k.rowBytes(), vRow = v.rowBytes();
        long kHead = kType.bytes((long) kvHead * headDim), vHead = vType.bytes((long) kvHead * headDim);
        MemorySegment out = dst.data();
        if (kernels.attentionHead(q.data().asSlice(qOffset), kType, k.data(), kHead, kRow, vType, v.data(), vHead, vRow,
                context, headDim, scale, out.asSlice(qOffset), scratch)) {
            return;
        }

        float[] head = scratch.floats(Scratch.HEAD, 2 * headDim); // query, then the output accumulator
        float[] scores = scratch.floats(Scratch.SCORES, context);
        MemorySegment.copy(q.data(), F32, qOffset, head, 0, headDim);
        for (int j = 0; j < context; j++) scores[j] = scale * kernels.dotKv(head, kType, k.data(), j * kRow + kHead, headDim);
        float max = kernels.max(scores, context);
        float sum = kernels.expAndSum(scores, context, max);

        Arrays.fill(head, headDim, 2 * headDim, 0f);
        for (int j = 0; j < context; j++) kernels.axpyKv(scores[j], vType, v.data(), j * vRow + vHead, head, headDim, headDim);
        float inv = 1f / sum;
        for (int d = 0; d < headDim; d++) out.set(F32, qOffset + 4L * d, head[headDim + d] * inv);
    }
}
