package io.microllm.spi;

/** How RoPE pairs dimensions: NORM rotates adjacent pairs (llama), NEOX rotates the two halves (qwen, gpt-neox). */
public enum RopeMode { NORM, NEOX }
