package io.microllm.cli;

import io.microllm.testsupport.Json;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code microllm tokenize}: the ids on one stdout line, equal to llama.cpp's, with and without BOS. */
class TokenizeCliTest {
    private static final String NL = System.lineSeparator();

    static Stream<Arguments> presetsAndPrompts() {
        return ReferenceKit.PRESETS.stream().flatMap(p -> Stream.of(Arguments.of(p, 0), Arguments.of(p, 1)));
    }

    @ParameterizedTest(name = "{0} prompt {1}")
    @MethodSource("presetsAndPrompts")
    void idsEqualLlamaCpps(String preset, int prompt) {
        String model = ReferenceKit.model(preset, "Q4_0").toString();
        String text = ReferenceKit.prompts().get(prompt);
        int[] withBos = Json.ints(ReferenceKit.greedy(preset, "Q4_0", prompt), "prompt_ids");
        // README: llama-spm-peaked adds BOS (id 1) in front, qwen3-peaked has no BOS.
        int[] noBos = preset.equals("llama-spm-peaked") ? Arrays.copyOfRange(withBos, 1, withBos.length) : withBos;

        Cli r = Cli.run("tokenize", "-m", model, "-p", text);
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(ReferenceKit.ids(withBos) + NL, r.out(), r::toString);
        assertEquals("", r.err(), r::toString);

        Cli n = Cli.run("tokenize", "-m", model, "-p", text, "--no-bos");
        assertEquals(0, n.exitCode(), n::toString);
        assertEquals(ReferenceKit.ids(noBos) + NL, n.out(), n::toString);
    }
}
