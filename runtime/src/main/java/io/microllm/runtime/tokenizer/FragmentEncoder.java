package io.microllm.runtime.tokenizer;

/** Encodes one piece of input text that contains no special tokens. */
sealed interface FragmentEncoder permits SentencePieceEncoder, BytePairEncoder {
    /**
     * @param text           the fragment
     * @param afterSpecial   whether it starts the input or follows a special token
     * @param out            receives the token ids
     */
    void encode(String text, boolean afterSpecial, IntList out);
}
