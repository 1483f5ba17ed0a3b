package io.microllm.runtime.model;

import io.microllm.runtime.exec.PlacementReport;

/**
 * The result of {@link Model#generate}.
 *
 * @param promptIds  the prompt as token ids
 * @param tokens     the generated ids (without a final end-of-generation token)
 * @param text       the generated text, cut before a stop string
 * @param seed       the sampler seed used (pass it back in {@code SamplerConfig} to reproduce the generation)
 * @param placement  where ops ran during this generation
 */
public record Generation(int[] promptIds, int[] tokens, String text, StopReason stopReason, long seed, Timings timings,
                         PlacementReport placement) {}
