package io.microllm.backend.cpu;

import java.lang.foreign.MemorySegment;

import static io.microllm.backend.cpu.Kernels.F32;

/**
 * {@code dst = x · wᵀ (+ bias)} split over output rows, and for prompts also over tiles of tokens. A chunk is one
 * (token tile, row range) pair; within it the kernels read each weight row once for the whole tile. Up to
 * {@link #MAX_MATVEC_TOKENS} tokens run as separate fused mat-vecs instead.
 */
final class MatMulTask implements WorkerPool.Task {

    /** Tokens whose activations (32 × 16 KiB for 4096 features) stay in L2 while a row range streams by. */
    static final int TOKEN_TILE = 32;
    /**
     * Dequantizing a weight tile costs two to three fused mat-vecs (measured for Q8_0), so batches this small
     * read the weights once per token instead.
     */
    static final int MAX_MATVEC_TOKENS = 3;
    /** Below this many weight bytes × tokens a mat-mul runs on one thread. */
    private static final long PARALLEL_BYTES = 1 << 17;
    /** Chunks per thread, so a thread slowed down by a neighbour on a shared machine does not hold up the op. */
    private static final int CHUNKS_PER_THREAD = 8;

    private final Kernels kernels;
    private final Activation[] activations = {new Activation(), new Activation(), new Activation()};
    private CpuTensor w, x, bias, dst;
    private int rowsPerChunk, rowChunks;

    MatMulTask(Kernels kernels) { this.kernels = kernels; }

    void set(CpuTensor w, CpuTensor x, CpuTensor bias, CpuTensor dst) {
        this.w = w;
        this.x = x;
        this.bias = bias;
        this.dst = dst;
        int in = w.shape().cols();
        for (int t = 0; t < x.shape().rows() && t < MAX_MATVEC_TOKENS; t++) {
            kernels.prepare(w.type(), x.data(), 4L * t * in, in, activations[t]);
        }
    }

    /** Picks the split for {@code threads} threads and returns the number of chunks. */
    int chunks(int threads) {
        int out = w.shape().rows(), tokens = x.shape().rows();
        int tokenTiles = tokens <= MAX_MATVEC_TOKENS ? 1 : Math.ceilDiv(tokens, TOKEN_TILE);
        if (threads == 1 || w.data().byteSize() * tokens < PARALLEL_BYTES) {
            rowsPerChunk = out;
        } else {
            int wanted = Math.max(1, threads * CHUNKS_PER_THREAD / tokenTiles);
            rowsPerChunk = Math.max(Kernels.TILE_ROWS, roundUp(Math.ceilDiv(out, wanted), Kernels.TILE_ROWS));
        }
        rowChunks = Math.ceilDiv(out, rowsPerChunk);
        return rowChunks * tokenTiles;
    }

    @Override
    public void run(int chunk, Scratch scratch) {
        int in = w.shape().cols(), out = w.shape().rows(), tokens = x.shape().rows();
        int from = chunk % rowChunks * rowsPerChunk, to = Math.min(out, from + rowsPerChunk);
        int t0 = chunk / rowChunks * TOKEN_TILE, t1 = Math.min(tokens, t0 + TOKEN_TILE);
        MemorySegment y = dst.data();
        if (tokens <= MAX_MATVEC_TOKENS) {
            for (int t = 0; t < tokens; t++) {
                kernels.matVec(w.type(), w.data(), in, from, to, x.data(), 4L * t * in, activations[t], y, 4L * t * out, scratch);
            }
        } else {
            kernels.matMul(w.type(), w.data(), in, out, from, to, x.data(), t0, t1, y, scratch);
        }
        if (bias != null) {
            MemorySegment b = bias.data();
            for (int t = t0; t < t1; t++) {
                for (int r = from; r < to; r++) {
                    long at = 4L * ((long) t * out + r);
                    y.set(F32, at, y.get(F32, at) + b.get(F32, 4L * r));
                }
            }
        }
    }

    private static int roundUp(int n, int multiple) { return Math.ceilDiv(n, multiple) * multiple; }
}
