/** Tokenizers built from GGUF vocabularies (SentencePiece and byte-level BPE), matching llama.cpp. */
package io.microllm.runtime.tokenizer;
