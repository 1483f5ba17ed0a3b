package io.microllm.conformance;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * How a case's input values are made. Data is generated in chunks of whole rows from one random stream, so the
 * values depend only on the seed and the tensor, not on the chunk size.
 */
@FunctionalInterface
interface Fill {

    /** Fills {@code dst}, whole rows of {@code cols} values, the first being row {@code firstRow} of the tensor. */
    void fill(SplittableRandom random, float[] dst, int firstRow, int cols);

    /** Uniform in [lo, hi): ggml's default is [-1, 1]. */
    static Fill uniform(double lo, double hi) {
        return (random, dst, firstRow, cols) -> {
            for (int i = 0; i < dst.length; i++) dst[i] = (float) random.nextDouble(lo, hi);
        };
    }

    /** Token ids in [0, bound) for an I32 {@code [1, n]} tensor; the first is 0 and the last bound - 1 (table edges). */
    static Fill ids(int bound) {
        return (random, dst, firstRow, cols) -> {
            for (int i = 0; i < dst.length; i++) dst[i] = random.nextInt(bound);
            dst[0] = 0;
            if (dst.length > 1) dst[dst.length - 1] = bound - 1;
        };
    }

    /**
     * A KV cache: rows before {@code filledRows} from {@code data}, rows after it a large constant, so a backend that
     * reads past the filled rows gets a visibly wrong answer.
     */
    static Fill cache(int filledRows, Fill data, float beyond) {
        return (random, dst, firstRow, cols) -> {
            data.fill(random, dst, firstRow, cols);
            for (int r = Math.max(0, filledRows - firstRow); r < dst.length / cols; r++) {
                Arrays.fill(dst, r * cols, (r + 1) * cols, beyond);
            }
        };
    }

    /** Uniform [-1, 1] with about a quarter of the values -inf (an attention mask); column 0 stays finite. */
    static Fill masked() {
        return (random, dst, firstRow, cols) -> {
            for (int i = 0; i < dst.length; i++) {
                dst[i] = i % cols != 0 && random.nextInt(4) == 0 ? Float.NEGATIVE_INFINITY : (float) random.nextDouble(-1, 1);
            }
        };
    }

    /** Cycles through {@code values} (special cases: overflow, subnormals, rounding ties), then uniform [-1, 1]. */
    static Fill specials(float... values) {
        return (random, dst, firstRow, cols) -> {
            long start = (long) firstRow * cols;
            for (int i = 0; i < dst.length; i++) {
                long e = start + i;
                dst[i] = e < values.length ? values[(int) e] : (float) random.nextDouble(-1, 1);
            }
        };
    }

    /** Rows whose maximum appears several times (Argmax must pick the first); small integers make exact ties. */
    static Fill ties() {
        return (random, dst, firstRow, cols) -> {
            for (int i = 0; i < dst.length; i++) dst[i] = random.nextInt(5);
        };
    }
}
