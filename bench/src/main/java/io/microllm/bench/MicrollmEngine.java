package io.microllm.bench;

import io.microllm.runtime.exec.PlacementReport;
import io.microllm.runtime.model.Generation;
import io.microllm.runtime.model.GenerationOptions;
import io.microllm.runtime.model.Model;
import io.microllm.runtime.model.ModelOptions;
import io.microllm.runtime.model.Timings;
import io.microllm.runtime.model.TokenListener;
import io.microllm.runtime.sampling.SamplerConfig;
import io.microllm.spi.DeviceInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * microllm on one device, through the public {@link Model} API, as an application would use it (ops the device
 * declines run on another one; {@link #note} says so). Its own timings are used: prompt time covers the prompt's
 * forward pass; generation time runs from there to the last token, so it also holds choosing the first token
 * (one output projection, well under 1 % of a 32-token generation) — llama.cpp counts that in its prompt time.
 */
final class MicrollmEngine implements Engine {

    private final Model model;
    private String note = "";

    MicrollmEngine(Path file, DeviceInfo device, int threads, int contextLength) {
        try {
            model = Model.load(file, ModelOptions.defaults().withBackend(device.qualifiedId()).withThreads(threads)
                    .withContextLength(contextLength));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public RunTimes run(int[] prompt, int tokens) {
        forgetPrompt(prompt[0]);
        Generation g = model.generate(prompt, greedy(tokens), TokenListener.none());
        Timings t = g.timings();
        if (t.cachedPromptTokens() != 0 || t.promptTokens() != prompt.length || t.generatedTokens() != tokens) {
            throw new IllegalStateException("expected " + prompt.length + " fresh prompt tokens and " + tokens + " generated, got " + t);
        }
        PlacementReport placement = g.placement();
        note = placement.fallbackOps() == 0 ? "" : placement.fallbackOps() + " ops ran on " + placement.backends().subList(1, placement.backends().size())
                + " (declined by " + placement.backends().getFirst() + ": " + String.join(", ", placement.fallbacks().keySet()) + ")";
        return new RunTimes(t.promptTokens(), t.promptNanos(), t.generatedTokens(), t.generationNanos());
    }

    /**
     * The model keeps its KV cache and reuses a shared prompt prefix; one token that differs from the prompt's first
     * makes the next run process the whole prompt again.
     */
    private void forgetPrompt(int firstToken) {
        int other = firstToken == 0 ? 1 : firstToken - 1;
        model.generate(new int[] {other}, greedy(0), TokenListener.none());
    }

    /** Greedy (argmax on the device, like llama.cpp's greedy sampler), not stopping at end-of-generation tokens. */
    private static GenerationOptions greedy(int tokens) {
        return new GenerationOptions(SamplerConfig.greedy(), tokens, List.of(), true);
    }

    /** {@link Model#loadMillis}: open, weights uploaded, kernels compiled or planned, one warm-up token. */
    @Override
    public long loadMillis() { return model.loadMillis(); }

    @Override
    public String note() { return note; }

    @Override
    public void close() { model.close(); }
}
