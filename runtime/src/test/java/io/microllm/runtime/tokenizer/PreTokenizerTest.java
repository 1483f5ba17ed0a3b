package io.microllm.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
    private static List<String> split(String pre, String text) {
        return PreTokenizer.of(PreTokenizer.spec(pre)).split(text);
    }

    private static List<String> texts() throws IOException {
        List<String> texts = new ArrayList<>(TokenizerTestData.vectors("vocab-qwen3.gguf").stream().map(TokenizerTestData.Vector::text).toList());
        texts.add(Files.readString(TokenizerTestData.testdata().resolve("text/war-and-peace-excerpt-pub.txt")));
        texts.addAll(List.of("it's IT'S 'Ll 'RE x'y", "  \n \r\n\t end  ", "a\u00A0\u00A0b \u3000c", "١٢٣٤ ½ Ⅻ", "'", " ", "\n ", "a  "));
        return texts;
    }

    /**
     * llama.cpp's hand-written GPT-2 and Llama-3 matchers stand in for regexes; they must split exactly like the
     * regexes would on llama.cpp's regex path (the collapsed text), which is what the other pre-tokenizers use.
     * The oracle regexes are wrapped in a group so that they do not select the hand-written matchers; GPT-2's gets
     * the trailing \\s+ that its matcher implements.
     */
    @Test
    void handWrittenMatchersAgreeWithTheRegexPath() throws IOException {
        PreTokenizer gpt2 = PreTokenizer.of(new PreTokenizer.Spec(List.of("(?:" + PreTokenizer.GPT2_REGEX + ")|\\s+"), false, false));
        PreTokenizer gpt2Custom = PreTokenizer.of(PreTokenizer.spec("gpt-2"));
        PreTokenizer llama3 = PreTokenizer.of(new PreTokenizer.Spec(List.of("(?:" + PreTokenizer.LLAMA3_REGEX + ")"), false, false));
        PreTokenizer llama3Custom = PreTokenizer.of(PreTokenizer.spec("llama3"));
        for (String text : texts()) {
            assertEquals(gpt2.split(text), gpt2Custom.split(text), "gpt2 " + TokenizerTestData.quote(text));
            assertEquals(llama3.split(text), llama3Custom.split(text), "llama3 " + TokenizerTestData.quote(text));
            assertEquals(text, String.join("", llama3Custom.split(text)));
        }
    }

    @Test
    void splitsPerPreType() {
        assertEquals(List.of("Hello", ",", " world", "!", " 12345", " it", "'s", "  ", " x"), split("gpt-2", "Hello, world! 12345 it's   x"));
        assertEquals(List.of("Hello", ",", " world", "!", " ", "123", "45", " it", "'S"), split("llama-bpe", "Hello, world! 12345 it'S"));
        assertEquals(List.of("Hello", ",", " world", "!", " ", "1", "2", "3", "4", "5", " it", "'S"), split("qwen2", "Hello, world! 12345 it'S"));
        // smollm isolates each digit first, then applies GPT-2 inside the pieces
        assertEquals(List.of("abc", " ", "1", "2", "3", " def"), split("smollm", "abc 123 def"));
        // default: punctuation runs, GPT-2, digit runs, then groups of three ASCII digits
        assertEquals(List.of("Hello", ",", " world", "!", " ", "123", "45"), split("default", "Hello, world! 12345"));
        assertEquals(split("default", "a+b"), split("", "a+b"), "a missing pre-tokenizer is the default");
        assertEquals(List.of(), split("qwen2", ""));
    }

    @Test
    void unicodeClassesFollowLlamaCpp() {
        // U+00A0 is whitespace (White_Space), U+200B is not, a combining mark is neither letter nor number
        assertEquals(List.of("a", "\u00A0", "\u00A0b"), split("llama3", "a\u00A0\u00A0b"));
        assertEquals(List.of("zero", "\u200Bwidth"), split("llama3", "zero\u200Bwidth"));
        assertEquals(List.of("a", "\u0301", " e"), split("llama3", "a\u0301 e"));
        assertEquals(List.of("a", "\u0301", " e"), split("qwen2", "a\u0301 e"));
    }

    @Test
    void collapsedRegexMatchesLlamaCppRewrite() {
        assertEquals("(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
                        + "|[^\\r\\n\\x{D2}\\x{41}-\\x{5A}\\x{61}-\\x{7A}\\x{D1}\\x{30}-\\x{39}]?[\\x{D2}\\x{41}-\\x{5A}\\x{61}-\\x{7A}]+"
                        + "|[\\x{D1}\\x{30}-\\x{39}]| ?[^\\s\\x{D2}\\x{41}-\\x{5A}\\x{61}-\\x{7A}\\x{D1}\\x{30}-\\x{39}]+[\\r\\n]*"
                        + "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
                PreTokenizer.collapsePattern(PreTokenizer.QWEN2_REGEX));
    }

    @Test
    void specsPerName() {
        assertTrue(PreTokenizer.spec("llama-bpe").ignoreMerges());
        assertTrue(PreTokenizer.spec("llama3").addBosByDefault());
        assertEquals(PreTokenizer.spec("qwen2"), PreTokenizer.spec("deepseek-r1-qwen"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PreTokenizer.spec("no-such-pre"));
        assertTrue(e.getMessage().contains("'no-such-pre'") && e.getMessage().contains("qwen2"), e.getMessage());
    }
}
