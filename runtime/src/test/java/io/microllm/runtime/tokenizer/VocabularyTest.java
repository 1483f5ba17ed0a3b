package io.microllm.runtime.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.gguf.GgufValueType;
import io.microllm.runtime.gguf.GgufWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/** Small hand-made vocabularies for the merge rules, and the errors bad metadata must give. */
class VocabularyTest {
    private static Vocabulary spm(List<String> tokens, float[] scores, int[] types, boolean addSpacePrefix) {
        return new Vocabulary("llama", "", tokens, scores, types, List.of(), -1, -1, -1, -1, -1, false, false, addSpacePrefix);
    }

    private static Vocabulary bpe(List<String> tokens, List<String> merges) {
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 1);
        return new Vocabulary("gpt2", "gpt-2", tokens, new float[tokens.size()], types, merges, -1, -1, -1, -1, -1, false, false, false);
    }

    private static void assertThrowsMentioning(String fragment, Executable executable) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, executable);
        assertTrue(e.getMessage().contains(fragment), "message should mention '" + fragment + "': " + e.getMessage());
    }

    @Test
    void sentencePieceMergesHighestScoreFirstAndLeftmostOnTies() {
        List<String> tokens = List.of("a", "b", "c", "ab", "bc", "aa");
        Tokenizer t = Tokenizer.of(spm(tokens, new float[] {0, 0, 0, -2, -1, -1}, new int[] {1, 1, 1, 1, 1, 1}, false));
        assertArrayEquals(new int[] {0, 4}, t.encode("abc", false), "bc scores higher than ab");
        assertArrayEquals(new int[] {5, 0}, t.encode("aaa", false), "equal scores: leftmost pair first");
    }

    @Test
    void sentencePieceFallsBackToBytes() {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "\u2581", "a"));
        for (int b = 0; b < 256; b++) tokens.add(String.format("<0x%02X>", b));
        int[] types = new int[tokens.size()];
        Arrays.fill(types, 6);
        types[0] = 2;
        types[1] = 1;
        types[2] = 1;
        Tokenizer t = Tokenizer.of(spm(tokens, new float[tokens.size()], types, true));
        assertArrayEquals(new int[] {1, 2, 3 + 0xC3, 3 + 0xA9}, t.encode("aé", false));
        assertEquals("aé", t.decode(t.encode("aé", false)));
        assertArrayEquals(new int[] {0}, t.encode("<unk>", false), "unknown-type tokens are parsed as special");
    }

    @Test
    void bytePairMergesLowestRankFirst() {
        List<String> tokens = List.of("a", "b", "c", "bc", "ab", "abc");
        assertArrayEquals(new int[] {0, 3}, Tokenizer.of(bpe(tokens, List.of("b c", "a b"))).encode("abc", false));
        assertArrayEquals(new int[] {5}, Tokenizer.of(bpe(tokens, List.of("a b", "ab c", "b c"))).encode("abc", false));
        assertArrayEquals(new int[] {4, 1}, Tokenizer.of(bpe(tokens, List.of("a b", "b c"))).encode("abb", false));
    }

    @Test
    void inconsistentVocabulariesAreRejected() {
        int[] types = {1, 1};
        assertThrowsMentioning("duplicate token", () -> Tokenizer.of(spm(List.of("a", "a"), new float[2], types, false)));
        assertThrowsMentioning("'bert'", () -> new Vocabulary("bert", "", List.of("a"), new float[1], new int[] {1}, List.of(), -1, -1, -1, -1, -1, false, false, false));
        assertThrowsMentioning("add_bos_token", () -> new Vocabulary("llama", "", List.of("a"), new float[1], new int[] {1}, List.of(), -1, -1, -1, -1, -1, true, false, true));
        assertThrowsMentioning("bos token id 7", () -> new Vocabulary("llama", "", List.of("a"), new float[1], new int[] {1}, List.of(), 7, -1, -1, -1, -1, false, false, true));
        assertThrowsMentioning("1 token scores for 2 tokens", () -> spm(List.of("a", "b"), new float[1], types, false));
        assertThrowsMentioning("<0xZZ>", () -> Tokenizer.of(spm(List.of("<0xZZ>"), new float[1], new int[] {6}, false)));
        assertThrowsMentioning("no byte token <0xC3>", () -> Tokenizer.of(spm(List.of("a"), new float[1], new int[] {1}, false)).encode("é", false));
        assertThrowsMentioning("unsupported pre-tokenizer", () -> Tokenizer.of(new Vocabulary("gpt2", "bogus", List.of("a"), new float[1], new int[] {1}, List.of(), -1, -1, -1, -1, -1, false, false, false)));
    }

    @Test
    void badGgufMetadataIsNamed(@TempDir Path dir) throws IOException {
        Path noTokens = dir.resolve("no-tokens.gguf");
        new GgufWriter().putString("tokenizer.ggml.model", "llama").write(noTokens);
        try (GgufFile f = GgufFile.open(noTokens)) {
            assertThrowsMentioning("tokenizer.ggml.tokens", () -> Tokenizer.fromGguf(f));
        }
        Path badBos = dir.resolve("bad-bos.gguf");
        Path badPre = dir.resolve("bad-pre.gguf");
        try (GgufFile qwen = GgufFile.open(TokenizerTestData.vocabFile("qwen3-peaked-F32.gguf"))) {
            new GgufWriter().copyMetadata(qwen).putUInt32("tokenizer.ggml.bos_token_id", 5000).write(badBos);
            new GgufWriter().copyMetadata(qwen).putString("tokenizer.ggml.pre", "bogus").write(badPre);
        }
        try (GgufFile f = GgufFile.open(badBos)) {
            assertThrowsMentioning("tokenizer.ggml.bos_token_id", () -> Tokenizer.fromGguf(f));
        }
        try (GgufFile f = GgufFile.open(badPre)) {
            assertThrowsMentioning("'bogus'", () -> Tokenizer.fromGguf(f));
        }
        Path noMerges = dir.resolve("no-merges.gguf");
        new GgufWriter().putString("tokenizer.ggml.model", "gpt2")
                .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, List.of("a")).write(noMerges);
        try (GgufFile f = GgufFile.open(noMerges)) {
            assertThrowsMentioning("tokenizer.ggml.merges", () -> Tokenizer.fromGguf(f));
        }
    }
}
