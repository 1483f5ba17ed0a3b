package io.microllm.runtime.model;

import io.microllm.testsupport.Json;
import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.runtime.exec.DecliningBackend;
import io.microllm.runtime.exec.PlacementReport;
import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.gguf.GgufTensorInfo;
import io.microllm.runtime.gguf.GgufWriter;
import io.microllm.runtime.sampling.SamplerConfig;
import io.microllm.runtime.tokenizer.StreamingDecoder;
import io.microllm.spi.Backend;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Generation features on the reference models, checked against llama.cpp's greedy tokens. The parameterized tests
 * run on every backend found (see {@link TestBackend}); the others test runtime logic on the default test backend.
 */
class ModelTest {
    private static final String ON_EVERY_BACKEND = "io.microllm.runtime.model.TestBackend#all";
    private static final GenerationOptions GREEDY_32 = new GenerationOptions(SamplerConfig.greedy(), 32, List.of(), true);

    private static Object greedyCase(String preset, int prompt) {
        return Json.list(ReferenceData.expected(preset, "F32"), "greedy").get(prompt);
    }

    @Test
    void configComesFromTheGgufMetadata() {
        try (Model m = ReferenceData.load("qwen3-peaked", "Q8_0", ModelOptions.defaults())) {
            ModelConfig c = m.config();
            assertEquals(Architecture.QWEN3, c.architecture());
            assertEquals(List.of(256, 2, 2, 1, 128, 256, 2048, 1024), List.of(c.embeddingLength(), c.blockCount(), c.headCount(),
                    c.headCountKv(), c.headDim(), c.feedForwardLength(), c.contextLength(), c.vocabSize()));
            assertEquals(1e6f, c.ropeFreqBase());
            assertEquals(1e-6f, c.rmsEps());
            assertEquals(2048, m.contextLength());
            assertTrue(!m.addsBos());
        }
    }

    @Test
    void tokenizedPromptsEqualLlamaCpps() {
        for (String preset : ReferenceData.PRESETS) {
            try (Model m = ReferenceData.load(preset, "Q4_0", ModelOptions.defaults())) {
                for (int p = 0; p < 2; p++) {
                    Object g = greedyCase(preset, p);
                    assertArrayEquals(Json.ints(g, "prompt_ids"), m.tokenizer().encode((String) ((Map<?, ?>) g).get("prompt"), true));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ON_EVERY_BACKEND)
    void smallBatchesAndAnF32CacheGiveTheSameTokens(TestBackend backend) {
        // A batch of 5 splits the prompt into several forward passes; the F32 cache exercises the other Copy path.
        ModelOptions options = ModelOptions.defaults().withBatchSize(5).withKvCacheType(TensorType.F32);
        for (String preset : ReferenceData.PRESETS) {
            try (Model m = backend.load(preset, "F32", options)) {
                Object g = greedyCase(preset, 1);
                assertArrayEquals(Json.ints(g, "tokens"), m.generate(Json.ints(g, "prompt_ids"), GREEDY_32, TokenListener.none()).tokens());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ON_EVERY_BACKEND)
    void aContinuedPromptReusesTheKvCache(TestBackend backend) {
        try (Model m = backend.load("llama-spm-peaked", "Q8_0", ModelOptions.defaults())) {
            Object g = greedyCase("llama-spm-peaked", 0);
            int[] prompt = Json.ints(g, "prompt_ids"), want = Json.ints(g, "tokens");
            GenerationOptions eight = new GenerationOptions(SamplerConfig.greedy(), 8, List.of(), true);
            Generation first = m.generate(prompt, eight, TokenListener.none());
            assertArrayEquals(Arrays.copyOf(want, 8), first.tokens());

            int[] continued = Arrays.copyOf(prompt, prompt.length + 8);
            System.arraycopy(first.tokens(), 0, continued, prompt.length, 8);
            Generation second = m.generate(continued, eight, TokenListener.none());
            assertEquals(prompt.length + 7, second.timings().cachedPromptTokens(), "the last generated token was never run");
            assertEquals(1, second.timings().promptTokens());
            assertArrayEquals(Arrays.copyOfRange(want, 8, 16), second.tokens());
        }
    }

    @Test
    void streamingStopsAtAStopStringAndLeavesItOut() {
        try (Model m = ReferenceData.load("llama-spm-peaked", "F32", ModelOptions.defaults())) {
            Object g = greedyCase("llama-spm-peaked", 0);
            StreamingDecoder decoder = m.tokenizer().decoder();
            StringBuilder full = new StringBuilder();
            for (int id : Json.ints(g, "tokens")) full.append(decoder.feed(id));
            String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
            String expected = full.substring(0, full.indexOf(stop));

            StringBuilder streamed = new StringBuilder();
            Generation r = m.generate(Json.ints(g, "prompt_ids"), GREEDY_32.withStopStrings(List.of(stop)), streamed::append);
            assertEquals(StopReason.STOP_STRING, r.stopReason());
            assertEquals(expected, r.text());
            assertEquals(expected, streamed.toString());
            assertTrue(r.tokens().length < 32);

            StringBuilder all = new StringBuilder();
            Generation unstopped = m.generate(Json.ints(g, "prompt_ids"), GREEDY_32, all::append);
            assertEquals(StopReason.MAX_TOKENS, unstopped.stopReason());
            assertEquals(full.toString(), unstopped.text());
            assertEquals(full.toString(), all.toString());
            assertTrue(unstopped.timings().generationTokensPerSecond() > 0 && unstopped.timings().promptTokensPerSecond() > 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ON_EVERY_BACKEND)
    void aSeedReproducesASampledGeneration(TestBackend backend) {
        try (Model m = backend.load("qwen3-peaked", "Q4_K", ModelOptions.defaults())) {
            GenerationOptions sampled = new GenerationOptions(SamplerConfig.defaults().withTemperature(2f).withSeed(42), 16, List.of(), true);
            Generation a = m.generate("Once upon a time", sampled, TokenListener.none());
            Generation b = m.generate("Once upon a time", sampled, TokenListener.none());
            assertEquals(42, a.seed());
            assertArrayEquals(a.tokens(), b.tokens());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ON_EVERY_BACKEND)
    void perplexityDoesNotDependOnTheBatchSize(TestBackend backend) {
        int[] ids = Arrays.copyOf(ReferenceData.excerptIds("qwen3-peaked"), 200);
        double whole, split;
        try (Model m = backend.load("qwen3-peaked", "F16", ModelOptions.defaults())) {
            whole = Perplexity.evaluate(m, ids, 100).perplexity();
        }
        try (Model m = backend.load("qwen3-peaked", "F16", ModelOptions.defaults().withBatchSize(13))) {
            split = Perplexity.evaluate(m, ids, 100).perplexity();
        }
        assertEquals(whole, split, whole * 1e-4);
    }

    @Test
    void aDeclinedOpFallsBackAndTheOutputStaysTheSame() {
        // Rope runs on a second backend: q and k go there and back every layer, and the tokens must not change.
        List<Supplier<Backend>> ranked = List.of(
                () -> new DecliningBackend(new ReferenceBackend(), "primary", Set.of("Rope")),
                () -> new DecliningBackend(new ReferenceBackend(), "second", Set.of()));
        try (Model m = Model.load(ReferenceData.model("qwen3-peaked", "Q8_0"), ModelOptions.defaults(), ranked)) {
            Object g = Json.list(ReferenceData.expected("qwen3-peaked", "Q8_0"), "greedy").get(0);
            Generation r = m.generate(Json.ints(g, "prompt_ids"), GREEDY_32, TokenListener.none());
            assertArrayEquals(Json.ints(g, "tokens"), r.tokens());
            PlacementReport p = r.placement();
            // 2 layers × (q, k) per forward pass: 1 for the prompt, 31 for generated tokens.
            assertEquals(Map.of("Rope", 2L * 2 * 32), p.ops().get("test:second"));
            assertEquals(p.ops().get("test:second").get("Rope"), p.fallbackOps());
            assertTrue(p.bytesMoved() > 0 && p.fallbacks().containsKey("Rope"), p.format());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void strictModeRefusesAModelWhoseOpsTheBackendDeclines() {
        List<Supplier<Backend>> ranked = List.of(
                () -> new DecliningBackend(new ReferenceBackend(), "primary", Set.of("Attention")),
                ReferenceBackend::new);
        var e = assertThrows(IllegalStateException.class, () ->
                Model.load(ReferenceData.model("llama-spm-peaked", "Q4_0"), ModelOptions.defaults().withStrict(true), ranked));
        assertTrue(e.getMessage().contains("strict mode") && e.getMessage().contains("Attention")
                && e.getMessage().contains(DecliningBackend.REASON), e.getMessage());
    }

    @Test
    void anUnsupportedArchitectureOrAMissingTensorIsNamed(@TempDir Path tmp) throws Exception {
        Path source = ReferenceData.model("llama-spm-peaked", "Q4_0");
        Path gpt2 = tmp.resolve("gpt2.gguf"), missing = tmp.resolve("missing.gguf");
        try (GgufFile f = GgufFile.open(source)) {
            GgufWriter renamed = new GgufWriter().copyMetadata(f).putString("general.architecture", "gpt2");
            GgufWriter incomplete = new GgufWriter().copyMetadata(f);
            for (GgufTensorInfo t : f.tensors()) {
                renamed.addTensor(t.name(), t.type(), t.ne(), f.data(t));
                if (!t.name().equals("blk.1.ffn_down.weight")) incomplete.addTensor(t.name(), t.type(), t.ne(), f.data(t));
            }
            renamed.write(gpt2);
            incomplete.write(missing);
        }
        var arch = assertThrows(IllegalArgumentException.class, () -> Model.load(gpt2, ModelOptions.defaults(), ReferenceData.backends()));
        assertTrue(arch.getMessage().contains("unsupported architecture 'gpt2'"), arch.getMessage());
        var tensor = assertThrows(IllegalArgumentException.class, () -> Model.load(missing, ModelOptions.defaults(), ReferenceData.backends()));
        assertTrue(tensor.getMessage().contains("'blk.1.ffn_down.weight'"), tensor.getMessage());
    }

    @Test
    void anUnknownBackendIsNamed() {
        Path file = ReferenceData.model("llama-spm-peaked", "Q4_K");
        var unknown = assertThrows(IllegalArgumentException.class, () -> Model.load(file, ModelOptions.defaults().withBackend("nosuch")));
        assertTrue(unknown.getMessage().contains("unknown backend 'nosuch'"), unknown.getMessage());
    }

    /** The path the CLI takes: Model.load(file, options) with --backend NAME, through ServiceLoader discovery. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(ON_EVERY_BACKEND)
    void loadsThroughBackendDiscovery(TestBackend backend) throws Exception {
        backend.requireUsable();
        Path file = ReferenceData.model("llama-spm-peaked", "Q4_K");
        try (Model m = Model.load(file, ModelOptions.defaults().withBackend(backend.name()).withThreads(2))) {
            Object g = Json.list(ReferenceData.expected("llama-spm-peaked", "Q4_K"), "greedy").get(1);
            Generation r = m.generate(Json.ints(g, "prompt_ids"), GREEDY_32, TokenListener.none());
            assertArrayEquals(Json.ints(g, "tokens"), r.tokens());
            assertEquals(backend.device().qualifiedId(), r.placement().backends().getFirst(), r.placement().format());
            assertEquals(0, r.placement().fallbackOps(), r.placement().format());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ON_EVERY_BACKEND)
    void aPromptThatFillsTheContextIsRefused(TestBackend backend) {
        try (Model m = backend.load("llama-spm-peaked", "Q4_0", ModelOptions.defaults().withContextLength(16))) {
            assertEquals(16, m.contextLength());
            int[] prompt = new int[16];
            var e = assertThrows(IllegalArgumentException.class, () -> m.generate(prompt, GREEDY_32, TokenListener.none()));
            assertTrue(e.getMessage().contains("context of 16"), e.getMessage());
            Generation r = m.generate(new int[] {1, 450, 439}, GREEDY_32, TokenListener.none());
            assertEquals(StopReason.CONTEXT_FULL, r.stopReason());
            assertEquals(14, r.tokens().length);   // 3 + 13 fill the 16 positions, the 14th token needs no position
        }
    }
}
