package io.microllm.backend.tornado;

import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import static io.microllm.backend.tornado.DevicePlan.LOCAL;

/**
 * {@code dst[n, out] = x[n, in] · wᵀ (+ bias)}. One work-group of {@link DevicePlan#LOCAL} threads per output row
 * (the GPU-friendly shape: the row's weights are read once per token, coalesced across the group), with a
 * local-memory tree reduction. One kernel per weight type: each passes its type as a constant to the partial-sum
 * function of its family, so the compiled kernel holds that type's decoding only.
 *
 * <p>TornadoVM 5.2 sets three rules for how this is split: a helper must not read KernelContext's id fields (the
 * kernel fails to build), must not take a local array (it is indexed like a heap array, header and all: out of
 * bounds), and must stay under 600 Graal nodes (it is not inlined). So each kernel method keeps the local array
 * and the reduction, and the helpers compute one lane's partial sum.
 *
 * <p>Parameters: {@code p = [w, x, dst, bias or -1, out, in, n]}, offsets in elements of the tensor's heap.
 */
final class MatMulKernels {
    private MatMulKernels() {}

    static void matMulF32(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = floatSum(c.groupIdx, c.localIdx, t, f, h, p, 0);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulF16(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = floatSum(c.groupIdx, c.localIdx, t, f, h, p, 1);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulBf16(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = floatSum(c.groupIdx, c.localIdx, t, f, h, p, 30);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ4_0(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = blockSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q4_0, 18);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ4_1(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = blockSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q4_1, 20);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ5_0(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = blockSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q5_0, 22);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ5_1(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = blockSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q5_1, 24);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ8_0(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = blockSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q8_0, 34);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ4_K(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = kSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q4_K, 144);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ5_K(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = kSum(c.groupIdx, c.localIdx, t, f, b, p, QuantBlocks.Q5_K, 176);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    static void matMulQ6_K(KernelContext c, FloatArray f, ShortArray h, ByteArray b, IntArray i, IntArray p, FloatArray pf) {
        float[] part = c.allocateFloatLocalArray(LOCAL);
        for (int t = 0; t < p.get(6); t++) {
            part[c.localIdx] = q6Sum(c.groupIdx, c.localIdx, t, f, b, p);
            for (int stride = LOCAL / 2; stride > 0; stride >>= 1) {
                c.localBarrier();
                if (c.localIdx < stride) {
                    part[c.localIdx] += part[c.localIdx + stride];
                }
            }
            store(c.localIdx, c.groupIdx, t, part[0], f, p);
            c.localBarrier(); // part[] is refilled for the next token only after lane 0 has read it
        }
    }

    /** This lane's share of row·x[t] for F32 weights (float heap), F16 (type 1) or BF16 (type 30) (16-bit heap). */
    private static float floatSum(int row, int lane, int t, FloatArray f, ShortArray h, IntArray p, int type) {
        int in = p.get(5);
        int w = p.get(0) + row * in;
        int x = p.get(1) + t * in;
        float sum = 0.0f;
        if (type == 0) {
            for (int k = lane; k < in; k += LOCAL) {
                sum += f.get(w + k) * f.get(x + k);
            }
        } else {
            for (int k = lane; k < in; k += LOCAL) {
                int bits = h.get(w + k) & 0xFFFF;
                float wk = type == 1 ? HalfFloats.halfToFloat(bits) : HalfFloats.bf16ToFloat(bits);
                sum += wk * f.get(x + k);
            }
        }
        return sum;
    }

    /** 32-value blocks; value = d·level + m, so Σ value·x = d·Σ level·x + m·Σ x. */
    private static float blockSum(int row, int lane, int t, FloatArray f, ByteArray b, IntArray p, int type, int blockBytes) {
        int in = p.get(5);
        int blocks = in / 32;
        int w = p.get(0) + row * blocks * blockBytes;
        int x = p.get(1) + t * in;
        float sum = 0.0f;
        for (int u = lane; u < blocks; u += LOCAL) {
            int block = w + u * blockBytes;
            int xu = x + 32 * u;
            float levels = 0.0f;
            float xs = 0.0f;
            for (int l = 0; l < 32; l++) {
                float xv = f.get(xu + l);
                levels += QuantBlocks.level32(type, b, block, l) * xv;
                xs += xv;
            }
            sum += QuantBlocks.scale32(b, block) * levels + QuantBlocks.min32(type, b, block) * xs;
        }
        return sum;
    }

    /** Q4_K and Q5_K: the 8 units of a super-block each have their own scale and min. */
    private static float kSum(int row, int lane, int t, FloatArray f, ByteArray b, IntArray p, int type, int blockBytes) {
        int in = p.get(5);
        int w = p.get(0) + row * (in / 256) * blockBytes;
        int x = p.get(1) + t * in;
        float sum = 0.0f;
        for (int u = lane; u < in / 32; u += LOCAL) {
            int block = w + (u / 8) * blockBytes;
            int unit = u % 8;
            int xu = x + 32 * u;
            float levels = 0.0f;
            float xs = 0.0f;
            for (int l = 0; l < 32; l++) {
                float xv = f.get(xu + l);
                levels += QuantBlocks.levelK(type, b, block, unit, l) * xv;
                xs += xv;
            }
            sum += QuantBlocks.scaleK(b, block, unit) * levels + QuantBlocks.minK(b, block, unit) * xs;
        }
        return sum;
    }

    /** Q6_K: a scale per 16 values, so each unit is two halves. */
    private static float q6Sum(int row, int lane, int t, FloatArray f, ByteArray b, IntArray p) {
        int in = p.get(5);
        int w = p.get(0) + row * (in / 256) * 210;
        int x = p.get(1) + t * in;
        float sum = 0.0f;
        for (int u = lane; u < in / 32; u += LOCAL) {
            int block = w + (u / 8) * 210;
            int unit = u % 8;
            int xu = x + 32 * u;
            float first = 0.0f;
            float second = 0.0f;
            for (int l = 0; l < 16; l++) {
                first += QuantBlocks.q6Level(b, block, unit, l) * f.get(xu + l);
                second += QuantBlocks.q6Level(b, block, unit, l + 16) * f.get(xu + l + 16);
            }
            sum += QuantBlocks.q6D(b, block)
                    * (QuantBlocks.q6Scale(b, block, unit, 0) * first + QuantBlocks.q6Scale(b, block, unit, 16) * second);
        }
        return sum;
    }

    /** Lane 0 writes row {@code row} of token {@code t}: the group's sum, plus the bias when there is one. */
    private static void store(int lane, int row, int t, float sum, FloatArray f, IntArray p) {
        int at = p.get(2) + t * p.get(4) + row;
        int bias = p.get(3);
        if (lane == 0) {
            if (bias >= 0) {
                f.set(at, sum + f.get(bias + row));
            } else {
                f.set(at, sum);
            }
        }
    }
}
