package io.microllm.conformance;

import io.microllm.spi.Shape;

import java.util.Locale;

/**
 * ggml's test-backend-ops rules: any NaN fails, an infinity must meet an infinity of the same sign, and the error of
 * the rest is the normalized mean squared error {@code Σ(a−b)²/Σa²} with {@code a} the reference.
 *
 * @param nmse   the error, NaN when a rule failed first
 * @param detail what failed, or where the largest difference is
 */
record Comparison(boolean ok, double nmse, String detail) {

    static Comparison of(float[] expected, float[] actual, Shape shape, OpClass opClass) {
        if (expected.length != actual.length) {
            throw new IllegalStateException("outputs differ in length: " + expected.length + " vs " + actual.length);
        }
        return opClass == OpClass.EXACT ? exact(expected, actual, shape) : nmse(expected, actual, shape, opClass.maxNmse());
    }

    private static Comparison nmse(float[] expected, float[] actual, Shape shape, double bound) {
        double squaredError = 0, squaredReference = 0, worst = -1;
        int worstAt = 0;
        for (int i = 0; i < expected.length; i++) {
            float a = expected[i], b = actual[i];
            if (Float.isNaN(a)) return failed("the reference produced NaN at " + at(shape, i) + " (a suite bug)");
            if (Float.isNaN(b)) return failed("NaN at " + at(shape, i) + ", reference " + a);
            if (Float.isInfinite(a) || Float.isInfinite(b)) {
                if (a == b) continue;
                return failed("at " + at(shape, i) + " expected " + a + ", got " + b + " (infinities must match in sign)");
            }
            double d = (double) a - b;
            squaredError += d * d;
            squaredReference += (double) a * a;
            if (Math.abs(d) > worst) {
                worst = Math.abs(d);
                worstAt = i;
            }
        }
        double nmse = squaredReference > 0 ? squaredError / squaredReference : squaredError == 0 ? 0 : Double.POSITIVE_INFINITY;
        String detail = String.format(Locale.ROOT, "NMSE %.3e %s %.0e; largest difference at %s: expected %s, got %s",
                nmse, nmse <= bound ? "<=" : ">", bound, at(shape, worstAt), expected[worstAt], actual[worstAt]);
        return new Comparison(nmse <= bound, nmse, detail);
    }

    private static Comparison exact(float[] expected, float[] actual, Shape shape) {
        int wrong = 0, first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (Float.compare(expected[i], actual[i]) != 0) {
                wrong++;
                if (first < 0) first = i;
            }
        }
        if (wrong == 0) return new Comparison(true, 0, "identical");
        return new Comparison(false, Double.NaN, wrong + " of " + expected.length + " values differ; first at " + at(shape, first)
                + ": expected " + (long) expected[first] + ", got " + (long) actual[first]);
    }

    private static Comparison failed(String why) { return new Comparison(false, Double.NaN, why); }

    private static String at(Shape shape, int i) { return "[" + i / shape.cols() + ", " + i % shape.cols() + "]"; }
}
