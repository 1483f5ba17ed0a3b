package io.microllm.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code microllm perplexity}: the last stdout line is {@code perplexity: <number>}, within 1 % of llama-perplexity's. */
class PerplexityCliTest {
    private static final Pattern LAST_LINE = Pattern.compile("perplexity: (\\d+(?:\\.\\d+)?)");

    static List<String> presets() { return ReferenceKit.PRESETS; }

    @ParameterizedTest(name = "{0}")
    @MethodSource("presets")
    void lastLineIsWithinOnePercentOfLlamaCpp(String preset) {
        double want = (Double) ReferenceKit.expected(preset, "Q8_0").get("ppl");
        int excerptTokens = ((Double) ReferenceKit.expected(preset).get("excerpt_token_count")).intValue();

        Cli r = Cli.run("perplexity", "-m", ReferenceKit.model(preset, "Q8_0").toString(), "-f", ReferenceKit.excerpt().toString(),
                "-c", "512");

        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.outLines();
        assertTrue(!lines.isEmpty(), r::toString);
        Matcher m = LAST_LINE.matcher(lines.getLast());
        assertTrue(m.matches(), () -> "last stdout line is not 'perplexity: <number>'\n" + r);
        double got = Double.parseDouble(m.group(1));
        assertEquals(want, got, 0.01 * want, () -> "llama.cpp " + want + "\n" + r);
        // The text was tokenized like llama-perplexity's (with BOS for llama): the same token count, so the same 4 chunks.
        assertTrue(r.err().contains(excerptTokens + " tokens, 4 chunks of 512"), r::toString);
    }
}
