package io.microllm.cli;

import io.microllm.runtime.model.Model;
import io.microllm.runtime.model.Perplexity;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * llama.cpp's perplexity: non-overlapping chunks of CTX tokens, the second half of each scored. Progress goes to
 * stderr; the last stdout line is {@code perplexity: <number>}.
 */
@Command(name = "perplexity", description = "Perplexity of a text file, computed like llama-perplexity.")
final class PerplexityCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelArgs modelArgs;

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "TEXTFILE", description = "Text to score.")
    Path file;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (modelArgs.contextLength == 0) modelArgs.contextLength = 512;
        String text = Files.readString(file);
        try (Model model = modelArgs.load()) {
            Reports.loaded(err, modelArgs.model, model);
            int[] ids = model.tokenizer().encode(text, true);
            int ctx = model.contextLength();
            err.printf("microllm: %d tokens, %d chunks of %d%n", ids.length, ids.length / ctx, ctx);
            err.flush();
            long start = System.nanoTime();
            Perplexity.Result r = Perplexity.evaluate(model, ids, ctx, (chunk, chunks, ppl) -> {
                err.printf("[%d]%.4f%s", chunk, ppl, chunk == chunks ? "\n" : ",");
                err.flush();
            });
            err.printf("microllm: %d predictions in %.1f s, estimate %.4f +/- %.4f%n", r.predictions(),
                    (System.nanoTime() - start) / 1e9, r.perplexity(), r.standardError());
            err.flush();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("perplexity: %.4f%n", r.perplexity());
            out.flush();
        }
        return 0;
    }
}
