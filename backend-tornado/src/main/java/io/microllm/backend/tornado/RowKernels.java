package io.microllm.backend.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.math.TornadoMath;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import static io.microllm.backend.tornado.DevicePlan.LOCAL;

/**
 * Row reductions: one work-group per row, a strided pass per thread, then a local-memory tree reduction. Each
 * thread writes back only the elements it read, so every kernel may run in place. Choices are selects, not
 * short-circuit conditions (see {@link HalfFloats} on TornadoVM's code generator).
 */
final class RowKernels {
    private RowKernels() {}

    /** {@code p = [x, weight or -1, dst, cols]}, {@code pf = [eps]}. */
    static void rmsNorm(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        float[] part = ctx.allocateFloatLocalArray(LOCAL);
        int cols = p.get(3);
        int x = p.get(0) + ctx.groupIdx * cols;
        int dst = p.get(2) + ctx.groupIdx * cols;
        int weight = p.get(1);
        int lane = ctx.localIdx;
        float sum = 0.0f;
        for (int k = lane; k < cols; k += LOCAL) {
            float v = f.get(x + k);
            sum += v * v;
        }
        part[lane] = sum;
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) {
                part[lane] += part[lane + stride];
            }
        }
        ctx.localBarrier();
        float scale = 1.0f / TornadoMath.sqrt(part[0] / cols + pf.get(0));
        if (weight >= 0) {
            for (int k = lane; k < cols; k += LOCAL) {
                f.set(dst + k, f.get(x + k) * scale * f.get(weight + k));
            }
        } else {
            for (int k = lane; k < cols; k += LOCAL) {
                f.set(dst + k, f.get(x + k) * scale);
            }
        }
    }

    /** {@code p = [x, dst, cols]}, {@code pf = [scale]}: dst = softmax(scale · x). */
    static void softmax(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        float[] part = ctx.allocateFloatLocalArray(LOCAL);
        int cols = p.get(2);
        int x = p.get(0) + ctx.groupIdx * cols;
        int dst = p.get(1) + ctx.groupIdx * cols;
        float scale = pf.get(0);
        int lane = ctx.localIdx;
        float max = -Float.MAX_VALUE;
        for (int k = lane; k < cols; k += LOCAL) {
            max = TornadoMath.max(max, scale * f.get(x + k));
        }
        part[lane] = max;
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) {
                part[lane] = TornadoMath.max(part[lane], part[lane + stride]);
            }
        }
        ctx.localBarrier();
        max = part[0];
        ctx.localBarrier(); // everyone has read the max before part[] holds sums
        float sum = 0.0f;
        for (int k = lane; k < cols; k += LOCAL) {
            sum += TornadoMath.exp(scale * f.get(x + k) - max);
        }
        part[lane] = sum;
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) {
                part[lane] += part[lane + stride];
            }
        }
        ctx.localBarrier();
        float inverse = 1.0f / part[0];
        for (int k = lane; k < cols; k += LOCAL) {
            f.set(dst + k, TornadoMath.exp(scale * f.get(x + k) - max) * inverse);
        }
    }

    /**
     * {@code p = [x, dst (int heap), cols]}: the index of each row's largest value, the first one on ties. Two plain
     * reductions, the maximum and then the smallest index holding it, because TornadoVM mistranslates the
     * combined (value, index) comparison.
     */
    static void argmax(KernelContext ctx, FloatArray f, ShortArray h, ByteArray b, IntArray ints, IntArray p, FloatArray pf) {
        float[] values = ctx.allocateFloatLocalArray(LOCAL);
        int[] indices = ctx.allocateIntLocalArray(LOCAL);
        int cols = p.get(2);
        int x = p.get(0) + ctx.groupIdx * cols;
        int lane = ctx.localIdx;
        float max = -Float.MAX_VALUE;
        for (int k = lane; k < cols; k += LOCAL) {
            max = TornadoMath.max(max, f.get(x + k));
        }
        values[lane] = max;
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) {
                values[lane] = TornadoMath.max(values[lane], values[lane + stride]);
            }
        }
        ctx.localBarrier();
        max = values[0];
        int first = cols;
        for (int k = lane; k < cols; k += LOCAL) {
            first = f.get(x + k) == max ? TornadoMath.min(first, k) : first;
        }
        indices[lane] = first;
        for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
            ctx.localBarrier();
            if (lane < stride) {
                indices[lane] = TornadoMath.min(indices[lane], indices[lane + stride]);
            }
        }
        if (lane == 0) {
            // A row of NaN or -infinity only has no element equal to the maximum found: the first index, as ties do.
            ints.set(p.get(1) + ctx.groupIdx, indices[0] == cols ? 0 : indices[0]);
        }
    }
}
