package io.microllm.bench.jmh;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Runs {@link ReadBandwidthBenchmark} and {@link MatVecBenchmark} in one JMH run (the machine is shared and noisy,
 * so the figures to compare should come from the same run) and prints a Markdown table: the median GB/s of each
 * mat-vec next to the measured read bandwidth. Takes any JMH command-line options, e.g.
 * {@code -f 1 -wi 3 -i 5 -p type=Q8_0,Q4_0}.
 */
public final class MatVecReport {
    private MatVecReport() {}

    public static void main(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(ReadBandwidthBenchmark.class.getSimpleName()).include(MatVecBenchmark.class.getSimpleName());
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        double read1 = Double.NaN, read2 = Double.NaN;
        List<RunResult> matVecs = new ArrayList<>();
        for (RunResult r : results) {
            String method = r.getParams().getBenchmark();
            if (method.endsWith("read1")) read1 = median(r);
            else if (method.endsWith("read2")) read2 = median(r);
            else if (method.endsWith("matVec")) matVecs.add(r);
        }
        System.out.println();
        System.out.printf("Date %s, %d CPUs, %s %s, JDK %s%n", LocalDate.now(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name"), System.getProperty("os.arch"), System.getProperty("java.version"));
        System.out.printf("Read bandwidth (median GB/s): 1 thread %.1f, 2 threads %.1f%n%n", read1, read2);
        System.out.println("| backend | type | rows x cols | weights MiB | threads | GB/s median (min-max) | % of 1-thread read | % of 2-thread read |");
        System.out.println("|---|---|---|---:|---:|---:|---:|---:|");
        for (RunResult r : matVecs) {
            var p = r.getParams();
            Result<?> g = r.getSecondaryResults().get("gigabytes");
            double median = median(r);
            int threads = Integer.parseInt(p.getParam("threads"));
            System.out.printf("| %s | %s | %s | %.1f | %s | %.1f (%.1f-%.1f) | %.0f%% | %.0f%% |%n", p.getParam("backendName"),
                    p.getParam("type"), p.getParam("shape"),
                    weightMiB(p.getParam("type"), p.getParam("shape")), threads == 0 ? "all" : threads,
                    median, g.getStatistics().getMin(), g.getStatistics().getMax(), 100 * median / read1, 100 * median / read2);
        }
    }

    private static double median(RunResult r) {
        return r.getSecondaryResults().get("gigabytes").getStatistics().getPercentile(50);
    }

    private static double weightMiB(String type, String shape) {
        var t = io.microllm.spi.TensorType.valueOf(type);
        long rows = Long.parseLong(shape.substring(0, shape.indexOf('x')));
        long cols = Long.parseLong(shape.substring(shape.indexOf('x') + 1));
        return t.bytes(rows * cols) / (1024.0 * 1024.0);
    }
}
