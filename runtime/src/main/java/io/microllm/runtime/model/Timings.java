package io.microllm.runtime.model;

/**
 * How long a generation took.
 *
 * @param loadMillis         time {@link Model#load} took (open, weights uploaded, one warm-up token)
 * @param promptTokens       prompt tokens run through the model (those not already in the KV cache)
 * @param cachedPromptTokens leading prompt tokens reused from the KV cache of the previous generation
 * @param promptNanos        time to process the prompt tokens
 * @param generatedTokens    tokens generated
 * @param generationNanos    time from the end of prompt processing to the last generated token
 */
public record Timings(long loadMillis, int promptTokens, int cachedPromptTokens, long promptNanos, int generatedTokens,
                      long generationNanos) {

    public double promptTokensPerSecond() { return perSecond(promptTokens, promptNanos); }

    public double generationTokensPerSecond() { return perSecond(generatedTokens, generationNanos); }

    private static double perSecond(int tokens, long nanos) { return nanos == 0 ? 0 : tokens * 1e9 / nanos; }

    @Override
    public String toString() {
        return String.format("load %d ms, prompt %d tokens (%d cached) %.1f tok/s, generation %d tokens %.1f tok/s",
                loadMillis, promptTokens, cachedPromptTokens, promptTokensPerSecond(), generatedTokens, generationTokensPerSecond());
    }
}
