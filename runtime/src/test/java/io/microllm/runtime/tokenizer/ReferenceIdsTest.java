package io.microllm.runtime.tokenizer;

import io.microllm.testsupport.Json;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.runtime.gguf.GgufFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Token ids the reference kit lists besides the vectors: README sanity values, prompt ids and the excerpt ids. */
class ReferenceIdsTest {
    @Test
    void readmeSanityValues() {
        assertArrayEquals(new int[] {15043, 3186}, TokenizerTestData.tokenizer("vocab-llama2-spm.gguf").encode("Hello world", false));
        assertArrayEquals(new int[] {9906, 1917}, TokenizerTestData.tokenizer("vocab-llama3.gguf").encode("Hello world", false));
        assertArrayEquals(new int[] {9707, 1879}, TokenizerTestData.tokenizer("vocab-qwen3.gguf").encode("Hello world", false));
        assertArrayEquals(new int[] {151644, 872, 198, 6023, 151645},
                TokenizerTestData.tokenizer("vocab-qwen3.gguf").encode("<|im_start|>user\nhi<|im_end|>", false));
        assertArrayEquals(new int[] {1, 259, 2, 259, 0}, TokenizerTestData.tokenizer("vocab-llama2-spm.gguf").encode("<s> </s> <unk>", false));
    }

    @Test
    void specialIdsFollowMetadata() {
        Tokenizer llama2 = TokenizerTestData.tokenizer("vocab-llama2-spm.gguf");
        assertEquals(1, llama2.bos());
        assertEquals(2, llama2.eos());
        assertEquals(32000, llama2.vocabSize());
        assertTrue(llama2.isEndOfGeneration(2));
        assertFalse(llama2.isEndOfGeneration(1));

        Tokenizer llama3 = TokenizerTestData.tokenizer("vocab-llama3.gguf");
        assertEquals(128000, llama3.bos());
        assertEquals(128001, llama3.eos());
        assertEquals(128256, llama3.vocabSize());
        assertTrue(llama3.isEndOfGeneration(128009), "<|eot_id|> ends a turn");
        assertArrayEquals(new int[] {128000}, llama3.encode("", true));

        Tokenizer qwen3 = TokenizerTestData.tokenizer("vocab-qwen3.gguf");
        assertEquals(-1, qwen3.bos(), "no bos_token_id in the metadata");
        assertEquals(151645, qwen3.eos());
        assertEquals(151936, qwen3.vocabSize());
        for (int eog : new int[] {151643, 151645, 151662, 151663, 151664}) assertTrue(qwen3.isEndOfGeneration(eog), "EOG " + eog);
        assertFalse(qwen3.isEndOfGeneration(151644), "<|im_start|>");
        assertFalse(qwen3.isEndOfGeneration(-1));
        assertFalse(qwen3.isEndOfGeneration(1_000_000));
        assertArrayEquals(new int[0], qwen3.encode("", true));
    }

    /** prompts.json tokenized with special tokens equals every file's greedy.prompt_ids in expected/PRESET.json. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-spm-peaked", "qwen3-peaked"})
    void promptIdsOfEveryModelFile(String preset) throws IOException {
        Path testdata = TokenizerTestData.testdata();
        List<Object> prompts = Json.array(TokenizerTestData.json(testdata.resolve("prompts.json")));
        Map<String, Object> files = Json.object(Json.object(TokenizerTestData.json(testdata.resolve("expected/" + preset + ".json"))).get("files"));
        assertEquals(10, files.size(), "tensor types of " + preset);
        for (Object entry : files.values()) {
            Map<String, Object> file = Json.object(entry);
            try (GgufFile f = GgufFile.open(testdata.resolve("models").resolve((String) file.get("file")))) {
                Tokenizer tokenizer = Tokenizer.fromGguf(f);
                List<Object> greedy = Json.array(file.get("greedy"));
                assertEquals(prompts.size(), greedy.size());
                for (int i = 0; i < greedy.size(); i++) {
                    Map<String, Object> g = Json.object(greedy.get(i));
                    assertEquals(prompts.get(i), g.get("prompt"));
                    assertArrayEquals(Json.ints(g.get("prompt_ids")), tokenizer.encode((String) prompts.get(i), true),
                            file.get("file") + ": " + prompts.get(i));
                }
            }
        }
    }

    /** The perplexity excerpt: llama with BOS (2319 ids), qwen3 without (2363), as llama-perplexity tokenized it. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-spm-peaked", "qwen3-peaked"})
    void excerptIds(String preset) throws IOException {
        Path testdata = TokenizerTestData.testdata();
        String excerpt = Files.readString(testdata.resolve("text/war-and-peace-excerpt-pub.txt"));
        int[] expected = Arrays.stream(Files.readString(testdata.resolve("expected/" + preset + ".excerpt-ids.txt")).trim().split("\\s+"))
                .mapToInt(Integer::parseInt).toArray();
        Map<String, Object> meta = Json.object(TokenizerTestData.json(testdata.resolve("expected/" + preset + ".json")));
        assertEquals(((Number) meta.get("excerpt_token_count")).intValue(), expected.length);
        Tokenizer tokenizer = TokenizerTestData.tokenizer(preset + "-F32.gguf");
        assertArrayEquals(expected, tokenizer.encode(excerpt, true));
        assertEquals(excerpt, tokenizer.decode(expected));
    }
}
