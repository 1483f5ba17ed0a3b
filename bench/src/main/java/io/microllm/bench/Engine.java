package io.microllm.bench;

/** One way of running a model that bench measures: microllm on one device, or the llama.cpp peer. */
interface Engine extends AutoCloseable {

    /**
     * Processes {@code prompt} from an empty context, then generates {@code tokens} tokens greedily, never stopping
     * early at an end-of-generation token.
     */
    RunTimes run(int[] prompt, int tokens);

    /**
     * Milliseconds the engine took to load the model and become ready to run it; kept apart from the measured runs,
     * which come after it and after the warm-up runs.
     */
    long loadMillis();

    /** Anything a reader of the results should know about the last run (ops that fell back to another device), or "". */
    default String note() { return ""; }

    @Override
    void close();
}
