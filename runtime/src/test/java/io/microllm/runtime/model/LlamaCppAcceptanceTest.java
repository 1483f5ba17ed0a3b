package io.microllm.runtime.model;

import io.microllm.testsupport.Json;
import io.microllm.runtime.sampling.SamplerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance criteria against llama.cpp on all 20 reference files, on every backend found (see {@link TestBackend}):
 * greedy continuations of both prompts (32 tokens; all must match for F32, F16 and Q8_0 weights, at least the first 16
 * for the other types) and perplexity on the excerpt with ctx 512 within 1 % of llama-perplexity's.
 */
class LlamaCppAcceptanceTest {
    private static final Set<String> EXACT_TYPES = Set.of("F32", "F16", "Q8_0");
    private static final List<String> SUMMARY = new ArrayList<>();

    @TestFactory
    Stream<DynamicNode> greedyTokensMatchLlamaCpp() {
        return perBackend(LlamaCppAcceptanceTest::greedy);
    }

    @TestFactory
    Stream<DynamicNode> perplexityWithinOnePercentOfLlamaCpp() {
        return perBackend(LlamaCppAcceptanceTest::perplexity);
    }

    private interface Check {
        void run(TestBackend backend, String preset, String type);
    }

    /** One container per backend with a test per reference file; an absent backend gets one test that says why. */
    private static Stream<DynamicNode> perBackend(Check check) {
        return TestBackend.all().stream().map(backend -> backend.device() == null
                ? DynamicTest.dynamicTest(backend.name() + " (unusable)", backend::requireUsable)
                : DynamicContainer.dynamicContainer(backend.name(), ReferenceData.PRESETS.stream().flatMap(preset ->
                        ReferenceData.TYPES.stream().map(type -> DynamicTest.dynamicTest(preset + " " + type,
                                () -> check.run(backend, preset, type))))));
    }

    private static void greedy(TestBackend backend, String preset, String type) {
        Map<String, Object> expected = ReferenceData.expected(preset, type);
        GenerationOptions options = new GenerationOptions(SamplerConfig.greedy(), 32, List.of(), true);
        StringBuilder line = new StringBuilder(preset + " " + type + " greedy:");
        List<Runnable> checks = new ArrayList<>();
        long fallbacks = 0;
        String ranOn;
        try (Model model = backend.load(preset, type, ModelOptions.defaults())) {
            ranOn = model.placement().backends().getFirst();
            for (Object g : Json.list(expected, "greedy")) {
                int[] promptIds = Json.ints(g, "prompt_ids");
                int[] want = Json.ints(g, "tokens");
                Generation generation = model.generate(promptIds, options, TokenListener.none());
                int[] got = generation.tokens();
                fallbacks += generation.placement().fallbackOps();
                int leading = 0;
                while (leading < Math.min(want.length, got.length) && want[leading] == got[leading]) leading++;
                line.append(' ').append(leading).append('/').append(want.length);
                int matched = leading;
                checks.add(EXACT_TYPES.contains(type)
                        ? () -> assertArrayEquals(want, got, preset + " " + type + " " + g)
                        : () -> assertTrue(matched >= 16, preset + " " + type + ": only " + matched + " leading tokens match"));
            }
        }
        report(line + " (on " + ranOn + ", " + fallbacks + " ops fell back)");
        checks.forEach(Runnable::run);
    }

    private static void perplexity(TestBackend backend, String preset, String type) {
        double want = (Double) ReferenceData.expected(preset, type).get("ppl");
        try (Model model = backend.load(preset, type, ModelOptions.defaults())) {
            Perplexity.Result r = Perplexity.evaluate(model, ReferenceData.excerptIds(preset), 512);
            double deviation = r.perplexity() / want - 1;
            report(String.format("%s %s ppl: %.1f, llama.cpp %.1f (%+.3f %%), %d chunks, %d predictions (on %s, %d ops fell back)",
                    preset, type, r.perplexity(), want, 100 * deviation, r.chunks(), r.predictions(),
                    model.placement().backends().getFirst(), model.placement().fallbackOps()));
            assertEquals(1020, r.predictions());
            assertTrue(Math.abs(deviation) < 0.01, preset + " " + type + " ppl " + r.perplexity() + " vs llama.cpp " + want);
        }
    }

    private static synchronized void report(String line) {
        System.out.println(line);
        SUMMARY.add(line);
    }

    @AfterAll
    static void printSummary() {
        System.out.println("=== llama.cpp acceptance summary ===");
        SUMMARY.forEach(System.out::println);
    }
}
