/** The microllm runtime: GGUF loading, tokenizers, the llama-family forward pass and sampling. */
module io.microllm.runtime {
    requires transitive io.microllm.spi;
    requires jinjava;

    exports io.microllm.runtime.chat;
    exports io.microllm.runtime.gguf;
    exports io.microllm.runtime.tokenizer;
    exports io.microllm.runtime.exec;
    exports io.microllm.runtime.model;
    exports io.microllm.runtime.sampling;

    uses io.microllm.spi.BackendProvider;
}
