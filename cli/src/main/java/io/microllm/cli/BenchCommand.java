package io.microllm.cli;

import io.microllm.bench.BenchReport;
import io.microllm.bench.BenchSettings;
import io.microllm.bench.ChartReport;
import io.microllm.bench.CsvReport;
import io.microllm.bench.HardwareBench;
import io.microllm.bench.JsonReport;
import io.microllm.bench.ProgressBars;
import io.microllm.bench.ProgressListener;
import io.microllm.bench.ReportTable;
import io.microllm.bench.synth.SyntheticModelCache;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code microllm bench}: like llama-bench, over every usable device at once, against the measured memory-bandwidth
 * limit and optionally against llama.cpp in the same run. Results on stdout (markdown), progress on stderr.
 */
@Command(name = "bench", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Benchmark every device, against its memory-bandwidth limit and (--peer llamacpp) llama.cpp.",
                "Like llama-bench: prompt processing (-p) and generation (-n) tokens/s, median of -r runs, per backend, device and thread count. Results go to stdout as a markdown table, progress to stderr.",
                "Without -m it runs a SYNTHETIC model (random weights in SmolLM2-135M's shape, Q8_0 and Q4_0), written once to the cache: the real size and speed, meaningless text."})
final class BenchCommand implements Callable<Integer> {

    /** Peers bench can run next to microllm. */
    enum Peer { llamacpp }

    @Spec CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF file to benchmark (repeatable). Default: the synthetic SmolLM2-135M-shaped Q8_0 and Q4_0 models.")
    List<Path> models = new ArrayList<>();

    @Option(names = "-p", paramLabel = "N", defaultValue = "64", description = "Prompt tokens for prompt processing (default: ${DEFAULT-VALUE}).")
    int promptTokens;

    @Option(names = "-n", paramLabel = "N", defaultValue = "32", description = "Tokens generated after the prompt (default: ${DEFAULT-VALUE}).")
    int generatedTokens;

    @Option(names = "-r", paramLabel = "N", defaultValue = "5", description = "Measured runs per row; the median is reported (default: ${DEFAULT-VALUE}).")
    int repetitions;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "Unmeasured runs per row first (default: ${DEFAULT-VALUE}).")
    int warmups;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", split = ",",
            description = "Thread counts for the cpu backend, e.g. 1,4 (default: 1 and all cores). Other backends run once, at the largest.")
    List<Integer> threads = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "NAME[:DEVICE]", split = ",", description = "Only these backends or devices, e.g. cpu or opencl:0 (default: every usable one).")
    List<String> backends = new ArrayList<>();

    @Option(names = "--peer", paramLabel = "llamacpp", description = "Also run llama.cpp (de.kherud:llama, in this process) on the same files, prompts and threads, alternating with microllm.")
    Peer peer;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write every sample and the context as JSON.")
    Path json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Also write the rows as CSV.")
    Path csv;

    @Option(names = "--chart", paramLabel = "FILE.png", description = "Also draw tokens/s per backend and device as a PNG.")
    Path chart;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        if (chart != null) ChartReport.checkFileName(chart);
        BenchSettings settings = new BenchSettings(models, promptTokens, generatedTokens, repetitions, warmups, threads, backends, peer != null);
        ProgressListener progress = noProgress ? ProgressListener.NONE : ProgressBars.onStderr();
        BenchReport report = new HardwareBench(settings, progress, SyntheticModelCache.standard()).run();

        PrintWriter out = spec.commandLine().getOut();
        ReportTable text = new ReportTable(report);
        text.preamble().forEach(out::println);
        out.println();
        Table table = new Table(text.header().toArray(String[]::new));
        for (List<String> row : text.rows()) table.row(row.toArray(String[]::new));
        table.print(out);
        out.println();
        text.summary().forEach(out::println);
        if (json != null) {
            JsonReport.write(report, json);
            out.println("Wrote " + json);
        }
        if (csv != null) {
            CsvReport.write(report, csv);
            out.println("Wrote " + csv);
        }
        if (chart != null) {
            ChartReport.write(report, chart);
            out.println("Wrote " + chart);
        }
        out.flush();
        return report.rows().stream().anyMatch(r -> r.ok()) ? 0 : 1;
    }
}
