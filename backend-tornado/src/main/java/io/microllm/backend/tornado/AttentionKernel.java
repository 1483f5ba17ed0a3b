package io.microllm.backend.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import static io.microllm.backend.tornado.DevicePlan.LOCAL;

/**
 * Causal grouped-query attention over an F32 or F16 KV cache, one work-group per (query row, head). Keys are taken
 * {@link DevicePlan#LOCAL} at a time, one per thread, with an online softmax (running max and sum, the output
 * rescaled when the max grows), so no buffer proportional to the context is needed: local memory holds the query,
 * one chunk of probabilities and the output accumulator of {@link #HEAD_DIM_MAX} dims.
 *
 * <p>All in one method: the local arrays cannot go to helpers (see {@link MatMulKernels}). Cache elements are read
 * from both heaps at indices that are valid whatever the cache type and then selected, so that no branch carries
 * a loaded value (see {@link HalfFloats}).
 */
final class AttentionKernel {
    private AttentionKernel() {}

    /** The largest head dimension the local accumulator holds. */
    static final int HEAD_DIM_MAX = 256;

    /**
     * {@code p = [q, k, v, dst, nHead, nKvHead, headDim, position0, cacheIsF16]}, {@code pf = [scale]}; the cache
     * offsets are in the float heap (F32 cache) or the 16-bit heap (F16 cache).
     */
    static void attention(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        float[] query = ctx.allocateFloatLocalArray(HEAD_DIM_MAX);
        float[] acc = ctx.allocateFloatLocalArray(HEAD_DIM_MAX);
        float[] probs = ctx.allocateFloatLocalArray(LOCAL);
        float[] part = ctx.allocateFloatLocalArray(LOCAL);
        int lane = ctx.localIdx;
        int nHead = p.get(4);
        int headDim = p.get(6);
        int kvStride = p.get(5) * headDim;
        int f16 = p.get(8);
        float scale = pf.get(0);
        int row = ctx.groupIdx / nHead;
        int head = ctx.groupIdx % nHead;
        int kvHead = head / (nHead / p.get(5));
        int q = p.get(0) + (row * nHead + head) * headDim;
        int k = p.get(1) + kvHead * headDim;
        int v = p.get(2) + kvHead * headDim;
        int length = p.get(7) + row + 1;
        for (int d = lane; d < headDim; d += LOCAL) {
            query[d] = f.get(q + d);
            acc[d] = 0.0f;
        }
        float max = -Float.MAX_VALUE;
        float sum = 0.0f;
        for (int start = 0; start < length; start += LOCAL) {
            ctx.localBarrier(); // query[] is filled; probs[] and part[] of the last chunk are consumed
            int t = start + lane;
            // Lanes past the last key score a visible key and then mask it: no branch around the loop.
            int key = k + TornadoMath.min(t, length - 1) * kvStride;
            float dot = 0.0f;
            for (int d = 0; d < headDim; d++) {
                float asHalf = HalfFloats.halfToFloat(h.get(f16 == 1 ? key + d : 0) & 0xFFFF);
                float asFloat = f.get(f16 == 1 ? 0 : key + d);
                dot += query[d] * (f16 == 1 ? asHalf : asFloat);
            }
            float score = t < length ? scale * dot : -Float.MAX_VALUE;
            part[lane] = score;
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                ctx.localBarrier();
                if (lane < stride) {
                    part[lane] = TornadoMath.max(part[lane], part[lane + stride]);
                }
            }
            ctx.localBarrier();
            float newMax = TornadoMath.max(max, part[0]);
            float prob = t < length ? TornadoMath.exp(score - newMax) : 0.0f;
            ctx.localBarrier(); // everyone has read the chunk max before part[] holds sums
            probs[lane] = prob;
            part[lane] = prob;
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                ctx.localBarrier();
                if (lane < stride) {
                    part[lane] += part[lane + stride];
                }
            }
            ctx.localBarrier();
            float correction = TornadoMath.exp(max - newMax);
            sum = sum * correction + part[0];
            max = newMax;
            int keys = TornadoMath.min(LOCAL, length - start);
            for (int d = lane; d < headDim; d += LOCAL) {
                float a = acc[d] * correction;
                for (int j = 0; j < keys; j++) {
                    int at = v + (start + j) * kvStride + d;
                    float asHalf = HalfFloats.halfToFloat(h.get(f16 == 1 ? at : 0) & 0xFFFF);
                    float asFloat = f.get(f16 == 1 ? 0 : at);
                    a += probs[j] * (f16 == 1 ? asHalf : asFloat);
                }
                acc[d] = a;
            }
        }
        int dst = p.get(3) + (row * nHead + head) * headDim;
        for (int d = lane; d < headDim; d += LOCAL) {
            f.set(dst + d, acc[d] / sum);
        }
    }
}
