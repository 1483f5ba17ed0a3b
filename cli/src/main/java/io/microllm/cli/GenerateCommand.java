package io.microllm.cli;

import io.microllm.runtime.model.Generation;
import io.microllm.runtime.model.GenerationOptions;
import io.microllm.runtime.model.Model;
import io.microllm.runtime.model.TokenListener;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Streams generated text to stdout (or the generated ids with --ids); timings and placement go to stderr. */
@Command(name = "generate", description = "Generate text from a prompt. Timings go to stderr, like llama.cpp's.")
final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelArgs modelArgs;
    @Mixin SamplingArgs sampling;

    static final class Prompt {
        @Option(names = {"-p", "--prompt"}, required = true, description = "Prompt text.") String text;
        @Option(names = {"-f", "--file"}, required = true, description = "Read the prompt from a file.") Path file;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Prompt prompt;

    @Option(names = {"-n", "--n-predict"}, defaultValue = "128", description = "Tokens to generate (default: ${DEFAULT-VALUE}).")
    int maxTokens;

    @Option(names = "--ids", description = "Print only the generated token ids, space-separated, on one line.")
    boolean ids;

    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop when this text is generated (repeatable).")
    List<String> stop = new ArrayList<>();

    @Option(names = "--ignore-eos", description = "Keep generating past end-of-generation tokens.")
    boolean ignoreEos;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String text = prompt.text != null ? prompt.text : Files.readString(prompt.file);
        // Built before loading, so a bad sampling flag fails at once.
        GenerationOptions options = GenerationOptions.of(maxTokens).withSampler(sampling.config())
                .withStopStrings(stop).withIgnoreEos(ignoreEos);
        try (Model model = modelArgs.load()) {
            Reports.loaded(err, modelArgs.model, model);
            TokenListener listener = ids ? TokenListener.none() : t -> { out.print(t); out.flush(); };
            Generation g = model.generate(text, options, listener);
            if (ids) {
                StringBuilder sb = new StringBuilder();
                for (int id : g.tokens()) sb.append(sb.isEmpty() ? "" : " ").append(id);
                out.println(sb);
            } else {
                out.println();
            }
            out.flush();
            Reports.generation(err, g);
        }
        return 0;
    }
}
