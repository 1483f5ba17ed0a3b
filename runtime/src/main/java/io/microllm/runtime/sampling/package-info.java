/**
 * Choosing the next token from logits: {@link io.microllm.runtime.sampling.SamplerConfig} (greedy, temperature,
 * top-k, top-p, min-p, repetition penalty, seed) and the {@link io.microllm.runtime.sampling.Sampler} that applies it.
 */
package io.microllm.runtime.sampling;
