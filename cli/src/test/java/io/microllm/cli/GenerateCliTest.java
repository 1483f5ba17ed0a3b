package io.microllm.cli;

import io.microllm.testsupport.Json;
import io.microllm.runtime.gguf.GgufFile;
import io.microllm.runtime.tokenizer.StreamingDecoder;
import io.microllm.runtime.tokenizer.Tokenizer;
import io.microllm.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code microllm generate} against llama.cpp's greedy tokens: {@code --ids} prints the generated ids alone on one
 * stdout line (scripts parse it), and the timings and the placement go to stderr.
 */
class GenerateCliTest {
    private static final String NL = System.lineSeparator();

    static Stream<Arguments> presetsAndPrompts() {
        return ReferenceKit.PRESETS.stream().flatMap(p -> Stream.of(Arguments.of(p, 0), Arguments.of(p, 1)));
    }

    static Stream<Arguments> backendsAndPresets() {
        return ReferenceKit.backendsToTest().stream().flatMap(b -> ReferenceKit.PRESETS.stream().map(p -> Arguments.of(b, p)));
    }

    @ParameterizedTest(name = "{0} prompt {1}")
    @MethodSource("presetsAndPrompts")
    void greedyIdsEqualLlamaCppsAndAreAloneOnStdout(String preset, int prompt) {
        Path model = ReferenceKit.model(preset, "Q8_0");
        Object greedy = ReferenceKit.greedy(preset, "Q8_0", prompt);
        String text = ReferenceKit.prompts().get(prompt);
        assertEquals(text, ((Map<?, ?>) greedy).get("prompt"), "prompts.json and the expected JSON disagree");

        Cli r = Cli.run("generate", "-m", model.toString(), "-p", text, "--temp", "0", "-n", "32", "--ids");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(ReferenceKit.ids(Json.ints(greedy, "tokens")) + NL, r.out(), r::toString);
        String device = Backends.discover().ranked().getFirst().qualifiedId();
        assertTimingsOnStderr(r, model, Json.ints(greedy, "prompt_ids").length, device);
    }

    /** --backend NAME --strict: the whole model runs on that backend, and the ids are still llama.cpp's. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndPresets")
    void greedyIdsEqualLlamaCppsOnEveryBackend(String backend, String preset) {
        Path model = ReferenceKit.model(preset, "Q4_K");
        Object greedy = ReferenceKit.greedy(preset, "Q4_K", 1);
        Cli r = Cli.run("generate", "-m", model.toString(), "-p", ReferenceKit.prompts().get(1), "--temp", "0", "-n", "32",
                "--ids", "--backend", backend, "--strict");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(ReferenceKit.ids(Json.ints(greedy, "tokens")) + NL, r.out(), r::toString);
        assertTimingsOnStderr(r, model, Json.ints(greedy, "prompt_ids").length, backend + ":");
    }

    @Test
    void withoutIdsTheTextStreamsToStdout() throws IOException {
        Path model = ReferenceKit.model("qwen3-peaked", "F16");
        Object greedy = ReferenceKit.greedy("qwen3-peaked", "F16", 0);
        StringBuilder text = new StringBuilder();
        try (GgufFile f = GgufFile.open(model)) {
            StreamingDecoder decoder = Tokenizer.fromGguf(f).decoder();
            for (int id : Json.ints(greedy, "tokens")) text.append(decoder.feed(id));
            text.append(decoder.finish());
        }
        Cli r = Cli.run("generate", "-m", model.toString(), "-p", ReferenceKit.prompts().get(0), "--temp", "0", "-n", "32");

        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(text + NL, r.out(), r::toString);
        assertTimingsOnStderr(r, model, Json.ints(greedy, "prompt_ids").length, "");
    }

    /** Load time, prompt and generation speed and where the ops ran: each on a stderr line of its own. */
    private static void assertTimingsOnStderr(Cli r, Path model, int promptTokens, String devicePrefix) {
        String file = Pattern.quote(model.getFileName().toString());
        assertFinds(r, "^microllm: loaded " + file + " \\(.*\\) in \\d+ ms$");
        assertFinds(r, "^microllm: prompt " + promptTokens + " tokens \\(0 cached\\) in [\\d.]+ ms = [\\d.]+ tokens/s$");
        assertFinds(r, "^microllm: generation 32 tokens in [\\d.]+ ms = [\\d.]+ tokens/s .*$");
        assertFinds(r, "^microllm: placement: " + Pattern.quote(devicePrefix) + ".* ops .*$");
        assertFinds(r, "moved between backends: \\d+ bytes");
    }

    private static void assertFinds(Cli r, String regex) {
        assertTrue(Pattern.compile(regex, Pattern.MULTILINE).matcher(r.err()).find(), () -> "stderr lacks /" + regex + "/\n" + r);
    }
}
