package io.microllm.runtime.model;

/**
 * Receives generated text as it becomes final: the concatenation of all calls equals {@link Generation#text()}.
 * Text is held back while it could still be the start of a stop string or of a multi-byte character, so a call
 * may cover several tokens. Called on the generating thread; {@code System.out::print} is a valid listener.
 */
@FunctionalInterface
public interface TokenListener {
    void onText(String text);

    /** A listener that ignores everything. */
    static TokenListener none() { return text -> { }; }
}
