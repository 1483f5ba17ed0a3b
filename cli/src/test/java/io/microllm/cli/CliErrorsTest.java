package io.microllm.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Errors are a non-zero exit code and one stderr line starting with "error:" that names the problem, with nothing
 * on stdout and no stack trace; {@code --verbose} adds the stack trace.
 */
class CliErrorsTest {
    @TempDir
    static Path tmp;

    private static String model() { return ReferenceKit.model("llama-spm-peaked", "Q4_0").toString(); }

    @Test
    void aMissingModelFile() {
        Path missing = tmp.resolve("no-such-model.gguf");
        assertOneErrorLine(Cli.run("generate", "-m", missing.toString(), "-p", "hi"), "no such file", missing.toString());
        assertOneErrorLine(Cli.run("tokenize", "-m", missing.toString(), "-p", "hi"), "no such file", missing.toString());
    }

    @Test
    void aMissingPromptOrTextFile() {
        Path missing = tmp.resolve("no-such-text.txt");
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-f", missing.toString()), "no such file", missing.toString());
        assertOneErrorLine(Cli.run("perplexity", "-m", model(), "-f", missing.toString()), "no such file", missing.toString());
    }

    @Test
    void aCorruptGguf() throws IOException {
        assertOneErrorLine(Cli.run("generate", "-m", truncatedModel().toString(), "-p", "hi"), "truncated.gguf", "byte offset");
        Path text = Files.writeString(tmp.resolve("text.gguf"), "this is not a GGUF file, just text");
        assertOneErrorLine(Cli.run("tokenize", "-m", text.toString(), "-p", "hi"), "text.gguf");
    }

    @Test
    void anUnknownOrAbsentBackend() {
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-p", "hi", "--backend", "nosuch"), "unknown backend 'nosuch'");
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-p", "hi", "--backend", "cpu:99"), "no device '99'");
    }

    @Test
    void aBadFlagOrValue() {
        Cli unknown = Cli.run("generate", "-m", model(), "-p", "hi", "--bogus");
        assertOneErrorLine(unknown, "--bogus", "microllm generate --help");
        assertEquals(2, unknown.exitCode(), "usage errors exit with 2, like picocli's default");
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-p", "hi", "-n", "many"), "'many'", "--n-predict");
        assertOneErrorLine(Cli.run("generate", "-m", model()), "-p", "-f");
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-p", "hi", "--kv-type", "Q4_0"), "F16 or F32");
        // Values picocli accepts but the runtime refuses: refused before the model loads, so still one line.
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-p", "hi", "--top-p", "2"), "topP");
        assertOneErrorLine(Cli.run("generate", "-m", model(), "-p", "hi", "-t", "-1"), "threads");
        assertOneErrorLine(Cli.run("nosuchcommand"), "nosuchcommand");
        assertOneErrorLine(Cli.run(), "subcommand");
    }

    /** Found only once the model is loaded and the text tokenized: the progress lines before the error stay. */
    @Test
    void aTextShorterThanOneChunk() throws IOException {
        Path text = Files.writeString(tmp.resolve("short.txt"), "Too short for a chunk of 512 tokens.");
        Cli r = Cli.run("perplexity", "-m", model(), "-f", text.toString(), "-c", "512");
        assertNotEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        List<String> lines = r.errLines();
        assertTrue(lines.getLast().startsWith("error: ") && lines.getLast().contains("fewer than one chunk of 512"), r::toString);
        assertTrue(lines.subList(0, lines.size() - 1).stream().allMatch(l -> l.startsWith("microllm: ")), r::toString);
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Cli r = Cli.run("generate", "-m", truncatedModel().toString(), "-p", "hi", "--verbose");
        assertNotEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.errLines();
        assertTrue(lines.getFirst().startsWith("error: ") && lines.getFirst().contains("byte offset"), r::toString);
        assertTrue(lines.size() > 2 && lines.get(1).contains("GgufFormatException") && lines.get(2).strip().startsWith("at "), r::toString);
    }

    private static void assertOneErrorLine(Cli r, String... mentions) {
        assertNotEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.out(), r::toString);
        List<String> lines = r.errLines();
        assertEquals(1, lines.size(), () -> "stderr must be one line\n" + r);
        assertTrue(lines.getFirst().startsWith("error: "), r::toString);
        assertTrue(Arrays.stream(mentions).allMatch(lines.getFirst()::contains), () -> "must mention " + Arrays.toString(mentions) + "\n" + r);
    }

    /** The first 1000 bytes of a reference model: the header parses, the metadata runs past the end. */
    private static Path truncatedModel() throws IOException {
        Path file = tmp.resolve("truncated.gguf");
        if (!Files.exists(file)) {
            byte[] all = Files.readAllBytes(Path.of(model()));
            Files.write(file, Arrays.copyOf(all, 1000));
        }
        return file;
    }
}
