/**
 * GGUF files: {@link io.microllm.runtime.gguf.GgufFile} memory-maps and validates a GGUF v2/v3 file (tensors are
 * views into the mapping, never copies); {@link io.microllm.runtime.gguf.GgufWriter} writes GGUF v3.
 */
package io.microllm.runtime.gguf;
