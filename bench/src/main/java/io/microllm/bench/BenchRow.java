package io.microllm.bench;

import java.util.OptionalDouble;

/**
 * One row of results: a model on one engine and device at one thread count.
 *
 * @param backend        the microllm backend ("cpu", "opencl"), or "llama.cpp" for the peer
 * @param device         the device id within the backend ("0"); "cpu" for the peer
 * @param loadMillis     time to load the model on this engine (see {@link Engine#loadMillis}); -1 if it did not load
 * @param prompt         prompt processing, tokens/s (null if the row failed)
 * @param generation     generation, tokens/s (null if the row failed)
 * @param readBandwidth  measured host read bandwidth, bytes/s, at this row's thread count; 0 when it does not apply
 *                       (a GPU has its own memory)
 * @param bytesPerToken  bytes one generated token reads, at the middle of the generation
 * @param note           something about how the row ran, or ""
 * @param error          why the row has no numbers, or null
 */
public record BenchRow(ModelInfo model, String backend, String device, String deviceName, int threads, long loadMillis,
                       Stats prompt, Stats generation, double readBandwidth, long bytesPerToken, String note, String error) {

    public boolean isPeer() { return backend.equals(LlamaCppPeer.NAME); }

    public boolean ok() { return error == null; }

    /** The engine label the table shows: "cpu:0", "opencl:0" or "llama.cpp". */
    public String engine() { return isPeer() ? backend : backend + ":" + device; }

    /** Load time in seconds, if the engine loaded. */
    public OptionalDouble loadSeconds() { return loadMillis >= 0 ? OptionalDouble.of(loadMillis / 1e3) : OptionalDouble.empty(); }

    /** Tokens/s that generation cannot exceed: bandwidth / bytes per token. */
    public OptionalDouble generationLimit() {
        return readBandwidth > 0 ? OptionalDouble.of(readBandwidth / bytesPerToken) : OptionalDouble.empty();
    }

    /** Median generation speed as a percentage of {@link #generationLimit}. */
    public OptionalDouble percentOfLimit() {
        OptionalDouble limit = generationLimit();
        return ok() && limit.isPresent() ? OptionalDouble.of(100 * generation.median() / limit.getAsDouble()) : OptionalDouble.empty();
    }
}
