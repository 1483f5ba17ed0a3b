package io.microllm.runtime.tokenizer;

import io.microllm.testsupport.Json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.microllm.runtime.gguf.GgufFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The llama.cpp reference data the tokenizer tests compare against, and tokenizers loaded from it (cached). */
final class TokenizerTestData {
    /** The five vocabularies of tokenizer-vectors.jsonl. */
    static final List<String> VOCABS = List.of("vocab-llama2-spm.gguf", "vocab-llama3.gguf", "vocab-qwen3.gguf",
            "llama-spm-peaked-F32.gguf", "qwen3-peaked-F32.gguf");

    private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    /** One line of tokenizer-vectors.jsonl: llama-tokenize's ids for {@code text} without and with BOS. */
    record Vector(String vocab, String text, int[] idsNoBos, int[] idsWithBos) {}

    private TokenizerTestData() {}

    /** /work/shared/testdata (made with llama.cpp; see its README.md), passed in by Surefire. */
    static Path testdata() {
        String dir = System.getProperty("microllm.shared.dir");
        if (dir == null) fail("system property microllm.shared.dir is not set (Surefire sets it to <repo>/../shared)");
        Path testdata = Path.of(dir, "testdata");
        assertTrue(Files.isDirectory(testdata), "reference test data missing: " + testdata);
        return testdata;
    }

    /** A vocab-only GGUF from testdata/tokenizer or a model GGUF from testdata/models, by file name. */
    static Path vocabFile(String name) {
        return testdata().resolve(name.startsWith("vocab-") ? "tokenizer" : "models").resolve(name);
    }

    static Tokenizer tokenizer(String vocabFile) {
        return TOKENIZERS.computeIfAbsent(vocabFile, name -> {
            try (GgufFile f = GgufFile.open(vocabFile(name))) {
                return Tokenizer.fromGguf(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The 210 lines of tokenizer-vectors.jsonl: a copy in src/test/resources/tokenizer of
     * testdata/tokenizer/tokenizer-vectors.jsonl, made by llama-tokenize (llama.cpp 0.7.0) per the kit's README.
     */
    static List<Vector> vectors() {
        try (InputStream in = TokenizerTestData.class.getResourceAsStream("/tokenizer/tokenizer-vectors.jsonl")) {
            assertNotNull(in, "test resource /tokenizer/tokenizer-vectors.jsonl missing");
            List<Vector> vectors = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank())
                    .map(line -> {
                        Map<String, Object> o = Json.object(Json.parse(line));
                        return new Vector((String) o.get("vocab"), (String) o.get("text"),
                                Json.ints(o.get("ids_no_bos")), Json.ints(o.get("ids_with_bos")));
                    })
                    .toList();
            assertEquals(210, vectors.size(), "tokenizer-vectors.jsonl lines");
            return vectors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Vector> vectors(String vocab) {
        List<Vector> list = vectors().stream().filter(v -> v.vocab().equals(vocab)).toList();
        assertEquals(42, list.size(), "vectors for " + vocab);
        return list;
    }

    static Object json(Path file) {
        try {
            return Json.parse(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A string with control characters escaped, for messages. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.chars().forEach(c -> b.append(c < 0x20 ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return b.append('"').toString();
    }
}
