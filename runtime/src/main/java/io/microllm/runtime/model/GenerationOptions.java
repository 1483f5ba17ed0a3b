package io.microllm.runtime.model;

import io.microllm.runtime.sampling.SamplerConfig;

import java.util.List;

/**
 * What one generation does besides prompt processing.
 *
 * @param sampler     how tokens are chosen
 * @param maxTokens   the most tokens to generate (0 = only process the prompt)
 * @param stopStrings generation stops when the text contains one; it is left out of the text
 * @param ignoreEos   keep generating after an end-of-generation token (benchmarks, reference comparisons)
 */
public record GenerationOptions(SamplerConfig sampler, int maxTokens, List<String> stopStrings, boolean ignoreEos) {
    public GenerationOptions {
        if (sampler == null) throw new IllegalArgumentException("sampler is required");
        if (maxTokens < 0) throw new IllegalArgumentException("maxTokens must be >= 0, got " + maxTokens);
        stopStrings = List.copyOf(stopStrings);
        if (stopStrings.stream().anyMatch(String::isEmpty)) throw new IllegalArgumentException("stop strings must not be empty");
    }

    /** Default sampling, up to {@code maxTokens}, stopping at end-of-generation tokens. */
    public static GenerationOptions of(int maxTokens) { return new GenerationOptions(SamplerConfig.defaults(), maxTokens, List.of(), false); }

    public GenerationOptions withSampler(SamplerConfig s) { return new GenerationOptions(s, maxTokens, stopStrings, ignoreEos); }

    public GenerationOptions withStopStrings(List<String> s) { return new GenerationOptions(sampler, maxTokens, s, ignoreEos); }

    public GenerationOptions withIgnoreEos(boolean i) { return new GenerationOptions(sampler, maxTokens, stopStrings, i); }
}
