package io.microllm.bench.synth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.gguf.GgufTensorInfo;
import io.microllm.runtime.model.Generation;
import io.microllm.runtime.model.GenerationOptions;
import io.microllm.runtime.model.Model;
import io.microllm.runtime.model.ModelOptions;
import io.microllm.runtime.model.TokenListener;
import io.microllm.runtime.sampling.SamplerConfig;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyntheticModelTest {
    @TempDir Path dir;

    @ParameterizedTest
    @CsvSource({"llama, Q8_0", "llama, Q4_0", "qwen3, Q4_K", "llama, F16"})
    void writesTheShapesTensorsInItsType(String arch, TensorType type) throws IOException {
        ModelShape tiny = ModelShape.TINY;
        SyntheticModel model = new SyntheticModel(tiny, arch, type, 7);
        Path file = dir.resolve(model.fileName());
        model.write(file);
        try (GgufFile gguf = GgufFile.open(file)) {
            assertEquals(arch, gguf.getString("general.architecture"));
            assertTrue(gguf.getBoolean("microllm.synthetic"));
            assertEquals("tiny", gguf.getString("microllm.synthetic.shape"));
            assertTrue(gguf.getString("general.name").contains("random weights"));
            assertEquals(tiny.layers, gguf.getInt(arch + ".block_count"));
            assertEquals(tiny.vocab, gguf.getStrings("tokenizer.ggml.tokens").size());

            Map<String, long[]> expected = model.tensorDims();
            assertEquals(expected.keySet(), gguf.tensors().stream().map(GgufTensorInfo::name).collect(java.util.stream.Collectors.toSet()));
            int q = tiny.heads * tiny.headDim, kv = tiny.kvHeads * tiny.headDim;
            assertArrayEquals(new long[] {tiny.embd, tiny.vocab}, gguf.tensor("token_embd.weight").ne());
            assertArrayEquals(new long[] {tiny.embd, q}, gguf.tensor("blk.0.attn_q.weight").ne());
            assertArrayEquals(new long[] {tiny.embd, kv}, gguf.tensor("blk.1.attn_k.weight").ne());
            assertArrayEquals(new long[] {q, tiny.embd}, gguf.tensor("blk.1.attn_output.weight").ne());
            assertArrayEquals(new long[] {tiny.ff, tiny.embd}, gguf.tensor("blk.0.ffn_down.weight").ne());
            assertEquals(arch.equals("qwen3"), gguf.findTensor("blk.0.attn_q_norm.weight").isPresent());
            assertTrue(gguf.findTensor("output.weight").isEmpty(), "the output projection is tied to the embedding");
            long dataBytes = 0;
            for (GgufTensorInfo t : gguf.tensors()) {
                assertArrayEquals(expected.get(t.name()), t.ne(), t.name());
                assertEquals(t.ne().length == 1 ? TensorType.F32 : type, t.type(), t.name());
                dataBytes += t.byteSize();
            }
            assertEquals(model.tensorBytes(), dataBytes);
        }
    }

    @Test
    void loadsAndGeneratesInMicrollm() throws IOException {
        SyntheticModel model = new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q8_0, 1);
        Path file = dir.resolve("tiny.gguf");
        model.write(file);
        try (Model m = Model.load(file, ModelOptions.defaults().withBackend("cpu").withThreads(1).withContextLength(64))) {
            int[] prompt = m.tokenizer().encode("Hello, synthetic world", true);
            assertEquals("Hello, synthetic world".length(), prompt.length, "byte-level vocabulary without merges: one token per byte");
            Generation g = m.generate(prompt, new GenerationOptions(SamplerConfig.greedy(), 5, List.of(), true), TokenListener.none());
            assertEquals(5, g.tokens().length);
            for (int id : g.tokens()) assertTrue(id >= 0 && id < ModelShape.TINY.vocab, "token id " + id);
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        Path a = dir.resolve("a.gguf"), b = dir.resolve("b.gguf"), c = dir.resolve("c.gguf");
        new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q4_0, 3).write(a);
        new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q4_0, 3).write(b);
        new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q4_0, 4).write(c);
        assertEquals(-1, Files.mismatch(a, b));
        assertTrue(Files.mismatch(a, c) >= 0);
    }

    @Test
    void progressCountsEveryTensorByte() throws IOException {
        SyntheticModel model = new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q8_0, 1);
        long[] last = {0};
        model.write(dir.resolve("p.gguf"), done -> {
            assertTrue(done > last[0], "progress only grows");
            last[0] = done;
        });
        assertEquals(model.tensorBytes(), last[0]);
    }

    @Test
    void refusesShapesTheTypeCannotHoldAndUnknownNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticModel(ModelShape.SMOLLM2_135M, "llama", TensorType.Q4_K, 1));
        assertTrue(e.getMessage().contains("576"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new SyntheticModel(ModelShape.TINY, "gpt2", TensorType.Q8_0, 1));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticModel(ModelShape.TINY, "llama", TensorType.I32, 1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ModelShape.byId("gpt-5")).getMessage().contains("smollm2-135m"));
    }

    @Test
    void shapesMatchTheRealModels() {
        // Published sizes: SmolLM2-135M has 134.5 M parameters, Qwen3-0.6B 596 M (with its tied embedding), Llama-3.2-1B 1.24 B.
        assertEquals(134.5e6, ModelShape.SMOLLM2_135M.parameters(), 0.5e6);
        assertEquals(596e6, ModelShape.QWEN3_0_6B.parameters(), 2e6);
        assertEquals(1.236e9, ModelShape.LLAMA_3_2_1B.parameters(), 0.01e9);
    }

    @Test
    void cacheWritesOnceAndReusesTheFile() throws IOException {
        SyntheticModelCache cache = new SyntheticModelCache(dir.resolve("cache"));
        SyntheticModel model = new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q8_0, 1);
        long[] written = {0};
        Path first = cache.obtain(model, done -> written[0] = done);
        assertTrue(written[0] > 0 && cache.contains(model));
        written[0] = 0;
        Path again = cache.obtain(model, done -> written[0] = done);
        assertEquals(first, again);
        assertEquals(0, written[0], "a cached model is not written again");
        assertTrue(first.getFileName().toString().contains("tiny") && first.getFileName().toString().contains("Q8_0"));
    }
}
