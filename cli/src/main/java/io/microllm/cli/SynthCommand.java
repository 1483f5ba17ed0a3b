package io.microllm.cli;

import io.microllm.bench.ProgressBars;
import io.microllm.bench.synth.ModelShape;
import io.microllm.bench.synth.SyntheticModel;
import io.microllm.spi.TensorType;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code microllm synth}: a GGUF with random weights in a real model's shape, for benchmarks and tests. */
@Command(name = "synth", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Write a GGUF with SYNTHETIC (random) weights in a real model's shape, for benchmarks and tests.",
                "It has the real model's size and speed and a byte-level tokenizer, but it was never trained: the text it generates is noise. Benchmark it with: microllm bench -m FILE"})
final class SynthCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--shape", paramLabel = "SHAPE", defaultValue = "smollm2-135m",
            description = "smollm2-135m, qwen3-0.6b, llama-3.2-1b or tiny (default: ${DEFAULT-VALUE}).")
    String shape;

    @Option(names = "--arch", paramLabel = "ARCH", description = "llama or qwen3 (default: the shape's own).")
    String arch;

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "Q8_0",
            description = "Weight type: F32, F16, BF16, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q4_K, Q5_K or Q6_K (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", required = true, description = "The GGUF file to write.")
    Path output;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the random weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        ModelShape s = ModelShape.byId(shape);
        SyntheticModel model = new SyntheticModel(s, arch == null ? s.defaultArch : arch, tensorType(type), seed);
        ProgressBars progress = ProgressBars.onStderr();
        progress.begin("synthesizing " + s.id + " " + model.type(), model.tensorBytes(), "MiB");
        long[] seen = {0};
        try {
            model.write(output, done -> {
                progress.advance(done - seen[0], null);
                seen[0] = done;
            });
        } finally {
            progress.end();
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "Wrote %s (%.1f MiB): SYNTHETIC %s model in the shape of %s, %s, %.1f M parameters, random weights (seed %d).%n",
                output, Files.size(output) / (double) (1 << 20), model.arch(), s.id, model.type(), s.parameters() / 1e6, seed);
        out.println("It runs at the real model's size and speed, but it was never trained: the text it generates is noise.");
        out.flush();
        return 0;
    }

    private static TensorType tensorType(String name) {
        try {
            TensorType t = TensorType.valueOf(name.toUpperCase(Locale.ROOT));
            if (t != TensorType.I32) return t;
        } catch (IllegalArgumentException e) {
            // fall through to the message naming the choices
        }
        throw new IllegalArgumentException("unknown weight type '" + name + "'; choose one of "
                + Arrays.stream(TensorType.values()).filter(t -> t != TensorType.I32).toList());
    }
}
