package io.microllm.bench;

import java.util.Arrays;
import java.util.Locale;

/**
 * Summary of repeated measurements (tokens/s). The median is the headline figure: on a shared machine a few runs
 * are disturbed by other work, and the median ignores them where a mean would not.
 */
public record Stats(double[] samples, double median, double mean, double stdev, double min, double max) {

    public static Stats of(double... samples) {
        if (samples.length == 0) throw new IllegalArgumentException("no samples");
        double[] s = samples.clone();
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double mean = Arrays.stream(s).average().orElseThrow();
        double var = n < 2 ? 0 : Arrays.stream(s).map(x -> (x - mean) * (x - mean)).sum() / (n - 1);
        return new Stats(s, median, mean, Math.sqrt(var), sorted[0], sorted[n - 1]);
    }

    @Override
    public double[] samples() { return samples.clone(); }

    /** "median ± stdev", e.g. "123.4 ± 2.1". */
    public String format() { return String.format(Locale.ROOT, "%.1f ± %.1f", median, stdev); }
}
