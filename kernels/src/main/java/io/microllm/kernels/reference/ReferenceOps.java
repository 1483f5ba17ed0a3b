package io.microllm.kernels.reference;

import io.microllm.kernels.quant.Bf16;
import io.microllm.kernels.quant.Fp16;
import io.microllm.spi.RopeMode;
import io.microllm.spi.TensorType;

/**
 * The ops of {@link io.microllm.spi.Op} as plain scalar loops over row-major float arrays, written to be obviously
 * correct rather than fast: sums and transcendental functions in double, one rounding to float per output. The
 * reference backend runs on these; other code (test doubles, tools) may reuse them. {@code dst} may be the same
 * array as an input (in place) unless a method says otherwise. Bad lengths or ids throw
 * {@link IllegalArgumentException}.
 */
public final class ReferenceOps {
    private ReferenceOps() {}

    /** {@code dst[i] = table[ids[i]]}: table {@code [rows, cols]}, dst {@code [ids.length, cols]}. */
    public static void getRows(float[] table, int rows, int cols, int[] ids, float[] dst) {
        requireLength("table", table, (long) rows * cols);
        requireLength("dst", dst, (long) ids.length * cols);
        for (int i = 0; i < ids.length; i++) {
            require(ids[i] >= 0 && ids[i] < rows, "ids[" + i + "] = " + ids[i] + " is outside the table's " + rows + " rows");
            System.arraycopy(table, ids[i] * cols, dst, i * cols, cols);
        }
    }

    /** Per row: {@code dst = x / sqrt(mean(x²) + eps) · weight}; weight {@code [cols]} or null. */
    public static void rmsNorm(float[] x, int rows, int cols, float[] weight, float eps, float[] dst) {
        requireLength("x", x, (long) rows * cols);
        requireLength("dst", dst, (long) rows * cols);
        if (weight != null) requireLength("weight", weight, cols);
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double sumSquares = 0;
            for (int c = 0; c < cols; c++) sumSquares += (double) x[o + c] * x[o + c];
            double inv = 1.0 / Math.sqrt(sumSquares / cols + eps);
            for (int c = 0; c < cols; c++) dst[o + c] = (float) (x[o + c] * inv * (weight == null ? 1.0 : weight[c]));
        }
    }

    /**
     * {@code dst[n, out] = x[n, in] · wᵀ + bias}: w {@code [out, in]}, bias {@code [out]} or null. dst must not be x.
     */
    public static void matMul(float[] w, int out, int in, float[] x, int n, float[] bias, float[] dst) {
        requireLength("w", w, (long) out * in);
        requireLength("x", x, (long) n * in);
        requireLength("dst", dst, (long) n * out);
        if (bias != null) requireLength("bias", bias, out);
        require(dst != x, "matMul cannot run in place");
        for (int r = 0; r < n; r++) {
            for (int o = 0; o < out; o++) {
                double sum = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) sum += (double) x[r * in + i] * w[o * in + i];
                dst[r * out + o] = (float) sum;
            }
        }
    }

    /**
     * Rotary position embedding, ggml semantics. x and dst {@code [rows, cols]} with {@code cols = heads · headDim};
     * row r has position {@code position0 + r}. In each head, pair j (j < nRot/2) rotates by
     * {@code theta = pos · base^(-2j/nRot) / freqFactors[j]}; NORM pairs dims (2j, 2j+1), NEOX pairs (j, j + nRot/2).
     * Dims nRot..headDim-1 are copied unchanged. freqFactors {@code [nRot/2]} or null (all 1).
     */
    public static void rope(float[] x, int rows, int cols, int headDim, int nRot, RopeMode mode, float base,
                            float[] freqFactors, int position0, float[] dst) {
        requireLength("x", x, (long) rows * cols);
        requireLength("dst", dst, (long) rows * cols);
        require(headDim > 0 && cols % headDim == 0, "cols " + cols + " is not a multiple of headDim " + headDim);
        require(nRot > 0 && nRot <= headDim && nRot % 2 == 0, "nRot " + nRot + " must be even and in 1.." + headDim);
        if (freqFactors != null) requireLength("freqFactors", freqFactors, nRot / 2);
        for (int r = 0; r < rows; r++) {
            long pos = (long) position0 + r;
            for (int head = r * cols; head < (r + 1) * cols; head += headDim) {
                for (int j = 0; j < nRot / 2; j++) {
                    double theta = pos * Math.pow(base, -2.0 * j / nRot) / (freqFactors == null ? 1.0 : freqFactors[j]);
                    double cos = Math.cos(theta);
                    double sin = Math.sin(theta);
                    int i0 = head + (mode == RopeMode.NORM ? 2 * j : j);
                    int i1 = head + (mode == RopeMode.NORM ? 2 * j + 1 : j + nRot / 2);
                    double x0 = x[i0];
                    double x1 = x[i1];
                    dst[i0] = (float) (x0 * cos - x1 * sin);
                    dst[i1] = (float) (x0 * sin + x1 * cos);
                }
                if (dst != x) System.arraycopy(x, head + nRot, dst, head + nRot, headDim - nRot);
            }
        }
    }

    /**
     * Causal grouped-query attention. q and dst {@code [n, nHead · headDim]}; k and v {@code [ctx, nKvHead · headDim]}
     * with at least {@code position0 + n} rows. Query row i attends cache rows 0..position0+i; head h reads KV head
     * {@code h / (nHead / nKvHead)}: {@code dst = softmax(scale · q·kᵀ) · v}. dst must not be q.
     */
    public static void attention(float[] q, int n, int nHead, int nKvHead, int headDim, float[] k, float[] v,
                                 int position0, float scale, float[] dst) {
        require(nHead > 0 && nKvHead > 0 && nHead % nKvHead == 0,
                "nHead " + nHead + " must be a positive multiple of nKvHead " + nKvHead);
        int qCols = nHead * headDim;
        int kvCols = nKvHead * headDim;
        requireLength("q", q, (long) n * qCols);
        requireLength("dst", dst, (long) n * qCols);
        require(k.length % kvCols == 0 && v.length == k.length, "k and v must both be [ctx, " + kvCols + "]");
        require(position0 >= 0 && k.length / kvCols >= position0 + n,
                "KV cache has " + k.length / kvCols + " rows, needs position0 + n = " + (position0 + n));
        require(dst != q, "attention cannot run in place");
        int group = nHead / nKvHead;
        double[] weights = new double[position0 + n];
        for (int i = 0; i < n; i++) {
            int visible = position0 + i + 1;
            for (int h = 0; h < nHead; h++) {
                int qo = i * qCols + h * headDim;
                int kvo = (h / group) * headDim;
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < visible; t++) {
                    double dot = 0;
                    for (int d = 0; d < headDim; d++) dot += (double) q[qo + d] * k[t * kvCols + kvo + d];
                    weights[t] = scale * dot;
                    max = Math.max(max, weights[t]);
                }
                double sum = 0;
                for (int t = 0; t < visible; t++) {
                    weights[t] = Math.exp(weights[t] - max);
                    sum += weights[t];
                }
                for (int d = 0; d < headDim; d++) {
                    double acc = 0;
                    for (int t = 0; t < visible; t++) acc += weights[t] * v[t * kvCols + kvo + d];
                    dst[qo + d] = (float) (acc / sum);
                }
            }
        }
    }

    /** Per row: {@code dst = softmax(scale · x)}, subtracting the row maximum first so exp cannot overflow. */
    public static void softmax(float[] x, int rows, int cols, float scale, float[] dst) {
        requireLength("x", x, (long) rows * cols);
        requireLength("dst", dst, (long) rows * cols);
        double[] e = new double[cols];
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) max = Math.max(max, (double) scale * x[o + c]);
            double sum = 0;
            for (int c = 0; c < cols; c++) {
                e[c] = Math.exp((double) scale * x[o + c] - max);
                sum += e[c];
            }
            for (int c = 0; c < cols; c++) dst[o + c] = (float) (e[c] / sum);
        }
    }

    /** {@code dst = x · sigmoid(x)}. */
    public static void silu(float[] x, float[] dst) {
        requireLength("dst", dst, x.length);
        for (int i = 0; i < x.length; i++) dst[i] = (float) silu((double) x[i]);
    }

    /** {@code dst = silu(gate) · up}. */
    public static void swiGlu(float[] gate, float[] up, float[] dst) {
        requireLength("up", up, gate.length);
        requireLength("dst", dst, gate.length);
        for (int i = 0; i < gate.length; i++) dst[i] = (float) (silu((double) gate[i]) * up[i]);
    }

    /** {@code dst = a + b}; b has a's length or is one row of {@code cols}, added to every row of a. */
    public static void add(float[] a, float[] b, int cols, float[] dst) {
        requireBroadcast(a, b, cols, dst);
        for (int i = 0; i < a.length; i++) dst[i] = a[i] + b[b.length == a.length ? i : i % cols];
    }

    /** {@code dst = a · b} elementwise; b has a's length or is one row of {@code cols}, applied to every row of a. */
    public static void mul(float[] a, float[] b, int cols, float[] dst) {
        requireBroadcast(a, b, cols, dst);
        for (int i = 0; i < a.length; i++) dst[i] = a[i] * b[b.length == a.length ? i : i % cols];
    }

    /** {@code dst = x · factor}. */
    public static void scale(float[] x, float factor, float[] dst) {
        requireLength("dst", dst, x.length);
        for (int i = 0; i < x.length; i++) dst[i] = x[i] * factor;
    }

    /**
     * What Copy stores: each value rounded to {@code type} (F32 unchanged; F16 and BF16 round to nearest even, the
     * way the bytes of a cache of that type hold them).
     */
    public static void convert(float[] src, TensorType type, float[] dst) {
        requireLength("dst", dst, src.length);
        for (int i = 0; i < src.length; i++) {
            dst[i] = switch (type) {
                case F32 -> src[i];
                case F16 -> Fp16.toFloat(Fp16.fromFloat(src[i]));
                case BF16 -> Bf16.toFloat(Bf16.fromFloat(src[i]));
                default -> throw new IllegalArgumentException("Copy converts between F32, F16 and BF16, not " + type);
            };
        }
    }

    /** Per row of x {@code [rows, cols]}: the index of the largest value; ties give the first. NaNs are never picked. */
    public static void argmax(float[] x, int rows, int cols, int[] dst) {
        requireLength("x", x, (long) rows * cols);
        require(dst.length == rows, "dst has " + dst.length + " entries, expected " + rows);
        for (int r = 0; r < rows; r++) {
            int best = 0;
            float bestValue = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < cols; c++) {
                float value = x[r * cols + c];
                if (value > bestValue) {
                    bestValue = value;
                    best = c;
                }
            }
            dst[r] = best;
        }
    }

    private static double silu(double x) { return x / (1 + Math.exp(-x)); }

    private static void requireBroadcast(float[] a, float[] b, int cols, float[] dst) {
        require(cols > 0 && a.length % cols == 0, "a has " + a.length + " values, not rows of " + cols);
        require(b.length == a.length || b.length == cols, "b has " + b.length + " values, expected " + a.length + " or " + cols);
        requireLength("dst", dst, a.length);
    }

    private static void requireLength(String what, float[] array, long expected) {
        require(array.length == expected, what + " has " + array.length + " values, expected " + expected);
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }
}
