package io.microllm.cli;

import io.microllm.runtime.model.Generation;
import io.microllm.runtime.model.Model;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The stderr lines that commands print about a model run: what was loaded where, and how fast it ran. */
final class Reports {
    private Reports() {}

    static void loaded(PrintWriter err, Path file, Model model) {
        var c = model.config();
        err.printf("microllm: loaded %s (%s, %d layers, %d embd, vocab %d, ctx %d) in %d ms%n", file.getFileName(),
                c.architecture().toString().toLowerCase(), c.blockCount(), c.embeddingLength(), c.vocabSize(), model.contextLength(), model.loadMillis());
        err.flush();
    }

    static void generation(PrintWriter err, Generation g) {
        var t = g.timings();
        err.printf("microllm: prompt %d tokens (%d cached) in %.1f ms = %.2f tokens/s%n", t.promptTokens(),
                t.cachedPromptTokens(), t.promptNanos() / 1e6, t.promptTokensPerSecond());
        err.printf("microllm: generation %d tokens in %.1f ms = %.2f tokens/s (stop: %s, seed %d)%n", t.generatedTokens(),
                t.generationNanos() / 1e6, t.generationTokensPerSecond(), g.stopReason(), g.seed());
        err.println("microllm: placement: " + g.placement().format().replace("\n", "\nmicrollm:   "));
        err.flush();
    }
}
