package io.microllm.runtime.model;

/** Why a generation ended. */
public enum StopReason {
    /** The model produced an end-of-generation token (not included in the output). */
    END_OF_GENERATION,
    /** The text reached a stop string. */
    STOP_STRING,
    /** {@code maxTokens} were generated. */
    MAX_TOKENS,
    /** The KV cache is full: the context length is reached. */
    CONTEXT_FULL
}
