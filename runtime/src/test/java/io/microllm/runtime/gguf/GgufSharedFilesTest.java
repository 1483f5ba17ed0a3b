package io.microllm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Opens every GGUF of the reference kit (made by gguf-py and llama-quantize) and checks it against its README/JSON. */
class GgufSharedFilesTest {
    private static final Pattern FILE_ENTRY = Pattern.compile(
            "\"file\": \"([^\"]+)\",\\s*\"bytes\": (\\d+),.*?\"tensor_types\": \\{([^}]*)}", Pattern.DOTALL);
    /** A tensor_types entry: {@code "TYPE": "N tensors"} or {@code "TYPE": ["name", ...]}. */
    private static final Pattern TYPE_ENTRY = Pattern.compile("\"(\\w+)\": (?:\"(\\d+) tensors\"|\\[([^\\]]*)])");
    private static final Pattern QUOTED = Pattern.compile("\"([^\"]+)\"");
    private static final Pattern DEQUANT_ENTRY = Pattern.compile(
            "\"type\": \"(\\w+)\",.*?\"data_offset_in_file\": (\\d+),", Pattern.DOTALL);

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm-peaked", "qwen3-peaked"})
    void everyModelFileMatchesItsExpectedJson(String preset) throws IOException {
        Path testdata = GgufTestSupport.testdata();
        String json = Files.readString(testdata.resolve("expected/" + preset + ".json"));
        boolean qwen = preset.startsWith("qwen3");
        String arch = qwen ? "qwen3" : "llama";
        int files = 0;
        for (Matcher m = FILE_ENTRY.matcher(json); m.find(); files++) {
            Path path = testdata.resolve("models/" + m.group(1));
            Map<String, Integer> expectedTypes = new TreeMap<>();
            Map<String, String> expectedTypeByName = new TreeMap<>();
            for (Matcher t = TYPE_ENTRY.matcher(m.group(3)); t.find(); ) {
                if (t.group(2) != null) {
                    expectedTypes.put(t.group(1), Integer.parseInt(t.group(2)));
                } else {
                    for (Matcher n = QUOTED.matcher(t.group(3)); n.find(); ) {
                        expectedTypeByName.put(n.group(1), t.group(1));
                        expectedTypes.merge(t.group(1), 1, Integer::sum);
                    }
                }
            }
            assertEquals(Long.parseLong(m.group(2)), Files.size(path), path + " size");

            try (GgufFile f = GgufFile.open(path)) {
                assertEquals(3, f.version());
                assertEquals(32, f.alignment());
                assertEquals(arch, f.getString("general.architecture"));
                assertEquals(256, f.getInt(arch + ".embedding_length"));
                assertEquals(2, f.getInt(arch + ".block_count"));
                assertEquals(256, f.getInt(arch + ".feed_forward_length"));
                assertEquals(2048, f.getInt(arch + ".context_length"));
                assertEquals(qwen ? 2 : 4, f.getInt(arch + ".attention.head_count"));
                assertEquals(qwen ? 1 : 2, f.getInt(arch + ".attention.head_count_kv"));
                assertEquals(qwen ? 1e-6f : 1e-5f, f.getFloat(arch + ".attention.layer_norm_rms_epsilon"));
                assertEquals(qwen ? 1e6f : 1e4f, f.getFloat(arch + ".rope.freq_base"));
                if (qwen) assertEquals(128, f.getInt("qwen3.attention.key_length"));
                assertEquals(GgufValueType.UINT32, f.typeOf(arch + ".embedding_length"));
                assertEquals(qwen ? "gpt2" : "llama", f.getString("tokenizer.ggml.model"));
                assertEquals(1024, f.getStrings("tokenizer.ggml.tokens").size());
                assertEquals(1024, f.getInts("tokenizer.ggml.token_type").length);
                assertEquals(!qwen, f.getBoolean("tokenizer.ggml.add_bos_token"));
                if (qwen) assertEquals(763, f.getStrings("tokenizer.ggml.merges").size());
                else assertEquals(1024, f.getFloats("tokenizer.ggml.scores").length);

                Map<String, Integer> actualTypes = new TreeMap<>();
                for (GgufTensorInfo t : f.tensors()) actualTypes.merge(t.type().name(), 1, Integer::sum);
                assertEquals(expectedTypes, actualTypes, path + " tensor types");
                expectedTypeByName.forEach((name, type) -> assertEquals(type, f.tensor(name).type().name(), path + " " + name));
                assertEquals(qwen ? 24 : 20, f.tensors().size());
                for (GgufTensorInfo t : f.tensors()) {
                    assertEquals(0, t.offset() % 32, t.name());
                    assertTrue(f.dataOffset() + t.offset() + t.byteSize() <= Files.size(path), t.name());
                    assertEquals(t.byteSize(), f.data(t).byteSize(), t.name());
                    if (t.nDims() == 1) assertEquals(TensorType.F32, t.type(), t.name() + ": 1-D norms stay F32");
                }
                assertEquals(Shape.of(1024, 256), f.tensor("token_embd.weight").shape());
                assertEquals(Shape.of(128, 256), f.tensor("blk.0.attn_k.weight").shape());
                assertFalse(f.findTensor("output.weight").isPresent(), "embeddings are tied");
            }
        }
        assertEquals(10, files, "file entries in expected/" + preset + ".json");
    }

    @Test
    void attnKBytesEqualTheDequantKitRawFilesForAllTenTypes() throws IOException {
        Path testdata = GgufTestSupport.testdata();
        String manifest = Files.readString(testdata.resolve("dequant/manifest.json"));
        Map<String, Long> fileOffsets = new LinkedHashMap<>();
        for (Matcher m = DEQUANT_ENTRY.matcher(manifest); m.find(); ) fileOffsets.put(m.group(1), Long.parseLong(m.group(2)));
        assertEquals(10, fileOffsets.size());
        for (var e : fileOffsets.entrySet()) {
            byte[] raw = Files.readAllBytes(testdata.resolve("dequant/" + e.getKey() + ".raw.bin"));
            try (GgufFile f = GgufFile.open(testdata.resolve("models/qwen3-peaked-" + e.getKey() + ".gguf"))) {
                GgufTensorInfo t = f.tensor("blk.0.attn_k.weight");
                assertEquals(TensorType.valueOf(e.getKey()), t.type());
                assertArrayEquals(new long[] {256, 128}, t.ne());
                assertEquals(e.getValue(), f.dataOffset() + t.offset(), e.getKey() + " data_offset_in_file");
                byte[] head = f.data(t).asSlice(0, raw.length).toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(raw, head, e.getKey() + ": first 4 rows of blk.0.attn_k.weight");
            }
        }
    }

    @Test
    void tensorDataIsAReadOnlyViewOfTheMapping() throws IOException {
        Path path = GgufTestSupport.testdata().resolve("models/qwen3-peaked-Q8_0.gguf");
        try (GgufFile f = GgufFile.open(path)) {
            var data = f.data(f.tensor("blk.0.attn_k.weight"));
            assertTrue(data.isNative() && data.isMapped(), "a view of the mapping, not a heap copy");
            assertTrue(data.isReadOnly());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"vocab-llama2-spm:32000:0:1", "vocab-llama3:128256:280147:128000", "vocab-qwen3:151936:151387:-1"})
    void vocabOnlyFilesWithoutTensorsLoad(String spec) throws IOException {
        String[] p = spec.split(":");
        try (GgufFile f = GgufFile.open(GgufTestSupport.testdata().resolve("tokenizer/" + p[0] + ".gguf"))) {
            assertTrue(f.tensors().isEmpty());
            assertEquals(Integer.parseInt(p[1]), f.getStrings("tokenizer.ggml.tokens").size());
            assertEquals(Integer.parseInt(p[1]), f.getInts("tokenizer.ggml.token_type").length);
            if (Integer.parseInt(p[2]) > 0) assertEquals(Integer.parseInt(p[2]), f.getStrings("tokenizer.ggml.merges").size());
            if (Integer.parseInt(p[3]) >= 0) assertEquals(Integer.parseInt(p[3]), f.getInt("tokenizer.ggml.bos_token_id"));
            else assertFalse(f.has("tokenizer.ggml.bos_token_id"));
        }
    }

    @Test
    void knownTokensDecodeAsUtf8() throws IOException {
        try (GgufFile f = GgufFile.open(GgufTestSupport.testdata().resolve("tokenizer/vocab-qwen3.gguf"))) {
            var tokens = f.getStrings("tokenizer.ggml.tokens");
            assertEquals("<|im_start|>", tokens.get(151644));
            assertEquals("Hello", tokens.get(9707));
        }
    }
}
