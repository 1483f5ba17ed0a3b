package io.microllm.runtime.tokenizer;

import io.microllm.runtime.gguf.GgufFile;

/**
 * Text to token ids and back, built from a GGUF file's vocabulary alone and giving the same ids as llama.cpp.
 * Supports {@code tokenizer.ggml.model} {@code llama} (SentencePiece BPE with scores and byte fallback) and
 * {@code gpt2} (byte-level BPE with merges; pre-tokenizers: default, llama3/llama-bpe, gpt-2, qwen2, smollm and
 * the llama.cpp aliases of these). Instances are immutable and thread-safe.
 */
public interface Tokenizer {
    /** The tokenizer described by a GGUF file's {@code tokenizer.ggml.*} metadata. */
    static Tokenizer fromGguf(GgufFile file) {
        return of(Vocabulary.fromGguf(file));
    }

    static Tokenizer of(Vocabulary vocabulary) {
        return new VocabTokenizer(vocabulary);
    }

    /**
     * Token ids of {@code text}. Text that spells a special token (control, user-defined or unknown type, e.g.
     * {@code <|im_start|>} or {@code <s>}) always becomes that token, like llama-tokenize's default.
     *
     * @param addSpecial add BOS and/or EOS as the vocabulary's metadata says (llama.cpp's add_special)
     * @throws IllegalArgumentException if the text has an unpaired surrogate (it has no UTF-8 form)
     */
    int[] encode(String text, boolean addSpecial);

    /**
     * The text of {@code ids}. Special tokens appear as their text. A leading BOS (and a trailing EOS) that
     * {@code encode(text, true)} would add is left out. For SentencePiece vocabularies every U+2581 becomes a space
     * (also one spelled with byte tokens) and the space that encoding puts before the text is removed again. So
     * {@code decode(encode(text, b))} gives back {@code text} when it holds no special-token text. Bytes that do not
     * form valid UTF-8 become U+FFFD. Unlike llama.cpp's detokenizer this never "cleans up" spaces before
     * punctuation, which would lose text.
     *
     * @throws IllegalArgumentException naming an id outside the vocabulary
     */
    String decode(int[] ids);

    /** A decoder for generated ids, fed one at a time; not thread-safe. */
    StreamingDecoder decoder();

    /** The begin-of-sequence id, or -1 if the vocabulary has none. */
    int bos();

    /** The end-of-sequence id, or -1 if the vocabulary has none. */
    int eos();

    /** Whether generation should stop at this id: EOS, end-of-turn and the like (llama.cpp's EOG set). */
    boolean isEndOfGeneration(int id);

    int vocabSize();

    /**
     * The text one token stands for (llama.cpp's token_to_piece with special tokens shown), e.g. {@code " Hello"}
     * for {@code ▁Hello} or {@code ĠHello}. A piece that is only part of a UTF-8 character shows as U+FFFD.
     *
     * @throws IllegalArgumentException naming an id outside the vocabulary
     */
    String piece(int id);
}
