package io.microllm.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class DecodeTest {
    /**
     * decode(encode(text)) gives the text back, with and without BOS, for every vector text except those holding
     * special-token text that encoding changes: SentencePiece puts a space after {@code <s>} and the like (as
     * llama.cpp does), and a text that starts with the BOS text loses it (decode drops a leading BOS).
     */
    @ParameterizedTest
    @FieldSource("io.microllm.runtime.tokenizer.TokenizerTestData#VOCABS")
    void roundTrip(String vocab) {
        Tokenizer tokenizer = TokenizerTestData.tokenizer(vocab);
        int checked = 0;
        for (TokenizerTestData.Vector v : TokenizerTestData.vectors(vocab)) {
            if (v.text().contains("<s>") || v.text().startsWith("<|begin_of_text|>")) continue;
            assertEquals(v.text(), tokenizer.decode(v.idsNoBos()), vocab + " " + TokenizerTestData.quote(v.text()));
            assertEquals(v.text(), tokenizer.decode(v.idsWithBos()), vocab + " with BOS " + TokenizerTestData.quote(v.text()));
            checked++;
        }
        assertTrue(checked >= 40, vocab + ": only " + checked + " round trips checked");
    }

    @Test
    void pieces() {
        Tokenizer llama2 = TokenizerTestData.tokenizer("vocab-llama2-spm.gguf");
        assertEquals(" Hello", llama2.piece(15043));
        assertEquals("<s>", llama2.piece(1));
        assertEquals("\n", llama2.piece(13), "byte token <0x0A>");
        assertEquals("\uFFFD", llama2.piece(3 + 0xE6), "a lone UTF-8 lead byte");
        Tokenizer llama3 = TokenizerTestData.tokenizer("vocab-llama3.gguf");
        assertEquals(" world", llama3.piece(1917));
        assertEquals("<|eot_id|>", llama3.piece(128009));
        Tokenizer qwen3 = TokenizerTestData.tokenizer("vocab-qwen3.gguf");
        assertEquals("\n", qwen3.piece(198));
        assertEquals("", qwen3.piece(151669), "unused padding token");
    }

    @Test
    void decodeKeepsSpecialTokensAndDropsOnlyTheAddedBos() {
        Tokenizer qwen3 = TokenizerTestData.tokenizer("vocab-qwen3.gguf");
        assertEquals("<|im_start|>user\nhi<|im_end|>", qwen3.decode(new int[] {151644, 872, 198, 6023, 151645}));
        Tokenizer llama2 = TokenizerTestData.tokenizer("vocab-llama2-spm.gguf");
        assertEquals("Hello world", llama2.decode(new int[] {1, 15043, 3186}));
        assertEquals("Hello world</s>", llama2.decode(new int[] {15043, 3186, 2}), "EOS is not added by encode, so kept");
        assertEquals("", llama2.decode(new int[0]));
    }

    @Test
    void badIdsAreRejectedByName() {
        Tokenizer qwen3 = TokenizerTestData.tokenizer("qwen3-peaked-F32.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> qwen3.decode(new int[] {5, 1024}));
        assertTrue(e.getMessage().contains("1024"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> qwen3.piece(-1));
        assertThrows(IllegalArgumentException.class, () -> qwen3.decoder().feed(99999));
    }

    @Test
    void unpairedSurrogateIsRejected() {
        Tokenizer qwen3 = TokenizerTestData.tokenizer("qwen3-peaked-F32.gguf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> qwen3.encode("ab\uD83Dcd", false));
        assertTrue(e.getMessage().contains("surrogate"), e.getMessage());
    }

    /**
     * The truncated vocabularies spell CJK text and emoji with byte tokens (llama) or partial byte-level pieces
     * (qwen3): fed one id at a time, the decoder must hold back incomplete characters and never emit U+FFFD.
     */
    @ParameterizedTest
    @FieldSource("io.microllm.runtime.tokenizer.TokenizerTestData#VOCABS")
    void streamingNeverSplitsACharacter(String vocab) {
        Tokenizer tokenizer = TokenizerTestData.tokenizer(vocab);
        int heldBack = 0;
        for (String text : List.of("日本語のテキスト", "emoji 😀🚀👍🏽 family 👨‍👩‍👧", "Привет, мир!", "café naïve 🤖")) {
            int[] ids = tokenizer.encode(text, false);
            StreamingDecoder decoder = tokenizer.decoder();
            StringBuilder streamed = new StringBuilder();
            List<String> chunks = new ArrayList<>();
            for (int id : ids) {
                String chunk = decoder.feed(id);
                assertFalse(chunk.contains("\uFFFD"), vocab + ": broken character in " + TokenizerTestData.quote(chunk));
                if (chunk.isEmpty() && decoder.hasPendingBytes()) heldBack++;
                chunks.add(chunk);
                streamed.append(chunk);
            }
            assertFalse(decoder.hasPendingBytes());
            assertEquals("", decoder.finish());
            // SentencePiece encoding adds a leading space that a stream (continuing a prompt) keeps
            String expected = vocab.contains("spm") ? " " + text : text;
            assertEquals(expected, streamed.toString(), vocab + " chunks " + chunks);
            assertEquals(text, tokenizer.decode(ids));
        }
        if (vocab.contains("peaked")) assertTrue(heldBack > 10, vocab + ": expected byte-split characters, held back " + heldBack);
    }

    @Test
    void streamingSpellsByteTokensAndFlushesLeftovers() {
        Tokenizer llama = TokenizerTestData.tokenizer("llama-spm-peaked-F32.gguf");
        int byteToken = 3; // <0x00> is id 3, so <0xNN> is 3 + NN
        StreamingDecoder decoder = llama.decoder();
        assertEquals("", decoder.feed(byteToken + 0xE2));
        assertEquals("", decoder.feed(byteToken + 0x82));
        assertEquals("€", decoder.feed(byteToken + 0xAC));
        assertEquals("", decoder.feed(byteToken + 0xF0));
        assertEquals("\uFFFDA", decoder.feed(byteToken + 'A'), "a lead byte followed by ASCII can never complete");
        assertEquals("", decoder.feed(byteToken + 0xE6));
        assertTrue(decoder.hasPendingBytes());
        assertEquals("\uFFFD", decoder.finish(), "an unfinished character at the end");
        assertFalse(decoder.hasPendingBytes());
        assertEquals(" ", decoder.feed(byteToken + 0xE2) + decoder.feed(byteToken + 0x96) + decoder.feed(byteToken + 0x81),
                "U+2581 spelled in bytes is a SentencePiece space");
        assertArrayEquals(new int[] {1}, llama.encode("", true));
    }
}
