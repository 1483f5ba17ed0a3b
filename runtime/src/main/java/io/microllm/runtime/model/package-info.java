/**
 * The llama-family model (llama, qwen2, qwen3): {@link io.microllm.runtime.model.Model} loads a GGUF file onto a
 * backend and generates text with streaming; {@link io.microllm.runtime.model.Perplexity} scores text like
 * llama-perplexity. The forward pass is written once against the op SPI and runs on every backend.
 */
package io.microllm.runtime.model;
