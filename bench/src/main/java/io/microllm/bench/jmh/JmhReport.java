package io.microllm.bench.jmh;

import io.microllm.spi.TensorType;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.time.LocalDate;
import java.util.Collection;
import java.util.List;

/**
 * Runs {@link ReadBandwidthBenchmark}, {@link MatVecBenchmark}, {@link AttentionBenchmark} and
 * {@link RowOpsBenchmark} in one JMH run (the machine is shared and noisy, so the figures to compare should come
 * from the same run) and prints a Markdown table per benchmark: the median GB/s of each mat-vec next to the
 * measured read bandwidth, and GB/s with GFLOP/s for the others. Takes any JMH command-line options, e.g.
 * {@code -f 1 -wi 3 -i 5 -p type=Q8_0,Q4_0}; naming benchmarks runs only those.
 */
public final class JmhReport {
    private JmhReport() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            for (Class<?> c : List.of(ReadBandwidthBenchmark.class, MatVecBenchmark.class, AttentionBenchmark.class, RowOpsBenchmark.class)) {
                options.include(c.getSimpleName());
            }
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        double read1 = readBandwidth(results, "read1"), read2 = readBandwidth(results, "read2");
        System.out.println();
        System.out.printf("Date %s, %d CPUs, %s %s, JDK %s%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
        System.out.printf("Read bandwidth (median GB/s): 1 thread %.1f, 2 threads %.1f%n", read1, read2);

        table(results, "matVec", "| backend | type | rows x cols | weights MiB | threads | GB/s median (min-max) | % of 1-thread read | % of 2-thread read | GFLOP/s |",
                "|---|---|---|---:|---:|---:|---:|---:|---:|", (r, p) -> {
                    double median = median(r, "gigabytes");
                    Result<?> g = r.getSecondaryResults().get("gigabytes");
                    return String.format("| %s | %s | %s | %.1f | %s | %.1f (%.1f-%.1f) | %.0f%% | %.0f%% | %.1f |", p.getParam("backendName"),
                            p.getParam("type"), p.getParam("shape"), weightMiB(p.getParam("type"), p.getParam("shape")),
                            threads(p), median, g.getStatistics().getMin(), g.getStatistics().getMax(),
                            100 * median / read1, 100 * median / read2, median(r, "gflop"));
                });
        table(results, "attention", "| backend | heads | context | cache | threads | µs per op | GB/s (K, V read) | GFLOP/s |",
                "|---|---|---:|---|---:|---:|---:|---:|", (r, p) -> String.format("| %s | %s | %s | %s | %s | %.1f | %.1f | %.1f |",
                        p.getParam("backendName"), p.getParam("heads"), p.getParam("context"), p.getParam("cache"), threads(p),
                        1e6 / r.getPrimaryResult().getStatistics().getPercentile(50), median(r, "gigabytes"), median(r, "gflop")));
        table(results, "rowOp", "| backend | op | rows x cols | threads | µs per op | GB/s | GFLOP/s |",
                "|---|---|---|---:|---:|---:|---:|", (r, p) -> String.format("| %s | %s | %s | %s | %.2f | %.1f | %.2f |",
                        p.getParam("backendName"), p.getParam("op"), p.getParam("shape"), threads(p),
                        1e6 / r.getPrimaryResult().getStatistics().getPercentile(50), median(r, "gigabytes"), median(r, "gflop")));
    }

    private interface Row { String format(RunResult r, BenchmarkParams p); }

    /** The rows of one benchmark method, medians of its iterations; nothing when it did not run. */
    private static void table(Collection<RunResult> results, String method, String header, String rule, Row row) {
        List<RunResult> runs = results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method)).toList();
        if (runs.isEmpty()) return;
        System.out.printf("%n%s%n%s%n", header, rule);
        for (RunResult r : runs) System.out.println(row.format(r, r.getParams()));
    }

    private static double readBandwidth(Collection<RunResult> results, String method) {
        return results.stream().filter(r -> r.getParams().getBenchmark().endsWith("." + method))
                .mapToDouble(r -> median(r, "gigabytes")).findFirst().orElse(Double.NaN);
    }

    private static String threads(BenchmarkParams p) {
        return p.getParam("threads").equals("0") ? "all" : p.getParam("threads");
    }

    private static double median(RunResult r, String counter) {
        return r.getSecondaryResults().get(counter).getStatistics().getPercentile(50);
    }

    private static double weightMiB(String type, String shape) {
        long rows = Long.parseLong(shape.substring(0, shape.indexOf('x')));
        long cols = Long.parseLong(shape.substring(shape.indexOf('x') + 1));
        return TensorType.valueOf(type).bytes(rows * cols) / (1024.0 * 1024.0);
    }
}
