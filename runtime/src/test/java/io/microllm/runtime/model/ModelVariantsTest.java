package io.microllm.runtime.model;

import io.microllm.testsupport.Json;
import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.gguf.GgufTensorInfo;
import io.microllm.runtime.gguf.GgufWriter;
import io.microllm.runtime.sampling.SamplerConfig;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Model features the reference files do not have, on rewritten copies of them: qwen2 (Q/K/V biases, no Q/K norm),
 * an untied output matrix, rope_freqs factors and linear RoPE scaling. They run on every backend found (see
 * {@link TestBackend}): each needs an op variant the reference files never use (MatMul bias, RoPE frequency factors).
 */
class ModelVariantsTest {
    @TempDir
    static Path tmp;

    private static final Arena ARENA = Arena.ofAuto();
    /** Relative tolerance for "the same computation": a multi-threaded backend may sum in another order each run. */
    private static final double SAME = 1e-5;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.microllm.runtime.model.TestBackend#all")
    void qwen2WithZeroBiasesIsQwen3WithoutQkNorm(TestBackend backend) throws IOException {
        // The testdata's numpy reference has a "no_qk_norm" variant of qwen3-peaked F32: what qwen2 computes here.
        Map<String, Object> variant = sensitivity("qwen3-peaked", "no_qk_norm");
        Path qwen2 = rewriteAsQwen2(0f);
        try (Model m = backend.load(qwen2, ModelOptions.defaults())) {
            assertEquals(Architecture.QWEN2, m.config().architecture());
            for (int p = 0; p < 2; p++) {
                Object g = Json.list(ReferenceData.expected("qwen3-peaked", "F32"), "greedy").get(p);
                int[] want = Json.ints(Json.list(variant, "prompts").get(p), "tokens");
                int[] got = m.generate(Json.ints(g, "prompt_ids"), new GenerationOptions(SamplerConfig.greedy(), 32, List.of(), true),
                        TokenListener.none()).tokens();
                assertArrayEquals(want, got, "prompt " + (p + 1));
            }
            double ppl = Perplexity.evaluate(m, ReferenceData.excerptIds("qwen3-peaked"), 512).perplexity();
            double want = (Double) variant.get("ppl");
            assertEquals(want, ppl, 0.005 * want, "numpy reference " + want);
        }
        assertNotEquals(shortPerplexity(backend, qwen2), shortPerplexity(backend, rewriteAsQwen2(0.25f)), "a Q bias must change the result");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.microllm.runtime.model.TestBackend#all")
    void anUntiedOutputMatrixIsUsed(TestBackend backend) throws IOException {
        Path source = ReferenceData.model("llama-spm-peaked", "Q8_0");
        Path same = rewrite(source, "untied-same", w -> { }, (f, w) -> w.addTensor("output.weight", TensorType.Q8_0,
                f.tensor("token_embd.weight").ne(), f.data(f.tensor("token_embd.weight"))));
        Path zero = rewrite(source, "untied-zero", w -> { }, (f, w) -> w.addTensor("output.weight", TensorType.F32,
                f.tensor("token_embd.weight").ne(), ARENA.allocate(4L * 256 * 1024)));
        double tied = shortPerplexity(backend, source), untied = shortPerplexity(backend, same), zeros = shortPerplexity(backend, zero);
        assertEquals(tied, untied, SAME * tied, "output.weight equal to token_embd must give the same logits");
        assertEquals(1024, zeros, 1e-3, "all-zero logits are uniform over the 1024 tokens");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.microllm.runtime.model.TestBackend#all")
    void ropeFreqsFactorsDivideTheFrequenciesLikeLinearScaling(TestBackend backend) throws IOException {
        Path source = ReferenceData.model("qwen3-peaked", "F32");
        Path ones = rewrite(source, "freqs-1", w -> { }, (f, w) -> w.addTensor("rope_freqs.weight", TensorType.F32, new long[] {64}, constant(64, 1f)));
        Path twos = rewrite(source, "freqs-2", w -> { }, (f, w) -> w.addTensor("rope_freqs.weight", TensorType.F32, new long[] {64}, constant(64, 2f)));
        Path linear = rewrite(source, "linear-2", w -> w.putString("qwen3.rope.scaling.type", "linear").putFloat32("qwen3.rope.scaling.factor", 2f),
                (f, w) -> { });
        double plain = shortPerplexity(backend, source);
        assertEquals(plain, shortPerplexity(backend, ones), SAME * plain);
        double halved = shortPerplexity(backend, twos);
        assertEquals(halved, shortPerplexity(backend, linear), SAME * halved);
        assertTrue(Math.abs(halved / plain - 1) > 1e-3, "halving every RoPE frequency must matter: " + plain + " vs " + halved);
    }

    /** Perplexity over 2 chunks of 64 tokens: enough to tell models apart, quick on any backend. */
    private static double shortPerplexity(TestBackend backend, Path model) {
        try (Model m = backend.load(model, ModelOptions.defaults())) {
            String preset = m.config().architecture() == Architecture.LLAMA ? "llama-spm-peaked" : "qwen3-peaked";
            return Perplexity.evaluate(m, Arrays.copyOf(ReferenceData.excerptIds(preset), 128), 64).perplexity();
        }
    }

    /** qwen3-peaked F32 as a qwen2 file: qwen2.* keys, no attn_q_norm/attn_k_norm, Q/K/V biases (Q bias = qBias, K and V zero). */
    private static Path rewriteAsQwen2(float qBias) throws IOException {
        Path target = tmp.resolve("qwen2-" + qBias + ".gguf");
        try (GgufFile f = GgufFile.open(ReferenceData.model("qwen3-peaked", "F32"))) {
            GgufWriter w = new GgufWriter();
            for (String key : f.metadata().keySet()) {
                if (!key.startsWith("qwen3.")) {
                    w.copy(f, key);
                    continue;
                }
                String renamed = "qwen2." + key.substring("qwen3.".length());
                switch (f.metadata().get(key)) {
                    case Integer i -> w.putInt32(renamed, i);
                    case Long l -> w.putUInt32(renamed, l);
                    case Float x -> w.putFloat32(renamed, x);
                    case Object o -> throw new IllegalStateException("unexpected " + key + " = " + o);
                }
            }
            w.putString("general.architecture", "qwen2");
            for (GgufTensorInfo t : f.tensors()) {
                if (t.name().contains("attn_q_norm") || t.name().contains("attn_k_norm")) continue;
                w.addTensor(t.name(), t.type(), t.ne(), f.data(t));
            }
            for (int l = 0; l < 2; l++) {
                w.addTensor("blk." + l + ".attn_q.bias", TensorType.F32, new long[] {256}, constant(256, qBias));
                w.addTensor("blk." + l + ".attn_k.bias", TensorType.F32, new long[] {128}, constant(128, 0f));
                w.addTensor("blk." + l + ".attn_v.bias", TensorType.F32, new long[] {128}, constant(128, 0f));
            }
            w.write(target);
        }
        return target;
    }

    private static Path rewrite(Path source, String name, Consumer<GgufWriter> metadata,
                                java.util.function.BiConsumer<GgufFile, GgufWriter> extraTensors) throws IOException {
        Path target = tmp.resolve(name + ".gguf");
        try (GgufFile f = GgufFile.open(source)) {
            GgufWriter w = new GgufWriter().copyMetadata(f);
            metadata.accept(w);
            for (GgufTensorInfo t : f.tensors()) w.addTensor(t.name(), t.type(), t.ne(), f.data(t));
            extraTensors.accept(f, w);
            w.write(target);
        }
        return target;
    }

    private static MemorySegment constant(int n, float value) {
        MemorySegment s = ARENA.allocate(4L * n);
        for (int i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, value);
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> sensitivity(String preset, String bug) throws IOException {
        Object json = Json.parse(Files.readString(ReferenceData.dir().resolve("expected/" + preset + ".sensitivity.json")));
        return (Map<String, Object>) Json.list(json, "results").stream()
                .filter(r -> bug.equals(((Map<String, Object>) r).get("bug"))).findFirst().orElseThrow();
    }
}
