package io.microllm.bench;

/**
 * The timings of one run.
 *
 * @param promptTokens    tokens processed as the prompt (one batch)
 * @param promptNanos     time to process them
 * @param generatedTokens tokens generated after the prompt
 * @param generationNanos time from the first generated token to the last: {@code generatedTokens - 1} decode steps
 *                        (each one forward pass of one token plus choosing the next)
 */
record RunTimes(int promptTokens, long promptNanos, int generatedTokens, long generationNanos) {
    RunTimes {
        if (promptTokens < 1 || promptNanos <= 0) throw new IllegalArgumentException("no prompt timing: " + promptTokens + " tokens in " + promptNanos + " ns");
        if (generatedTokens < 2 || generationNanos <= 0) {
            throw new IllegalArgumentException("generation speed needs at least 2 tokens, got " + generatedTokens + " in " + generationNanos + " ns");
        }
    }

    /** Prompt processing, tokens/s. */
    double promptPerSecond() { return promptTokens * 1e9 / promptNanos; }

    /** Generation, decode steps/s: the first generated token comes out of the prompt pass, so it is not counted. */
    double generationPerSecond() { return (generatedTokens - 1) * 1e9 / generationNanos; }
}
