package io.microllm.cli;

import io.microllm.testsupport.Json;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The llama.cpp reference kit in {@code <microllm.shared.dir>/testdata} (see its README.md): the peaked models, the
 * prompts, the excerpt, and llama.cpp's greedy tokens and perplexities in {@code expected/<preset>.json}.
 */
final class ReferenceKit {
    static final List<String> PRESETS = List.of("llama-spm-peaked", "qwen3-peaked");

    private ReferenceKit() {}

    static Path dir() {
        String shared = System.getProperty("microllm.shared.dir");
        if (shared == null) throw new IllegalStateException("system property microllm.shared.dir is not set (Surefire sets it)");
        Path dir = Path.of(shared, "testdata");
        if (!Files.isDirectory(dir)) throw new IllegalStateException("reference data missing: " + dir);
        return dir;
    }

    static Path model(String preset, String type) { return dir().resolve("models/" + preset + "-" + type + ".gguf"); }

    static Path excerpt() { return dir().resolve("text/war-and-peace-excerpt-pub.txt"); }

    /** The prompts llama.cpp's greedy tokens were generated from (prompts.json). */
    static List<String> prompts() {
        @SuppressWarnings("unchecked")
        List<String> prompts = (List<String>) Json.parse(read(dir().resolve("prompts.json")));
        return prompts;
    }

    static Map<String, Object> expected(String preset) {
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(read(dir().resolve("expected/" + preset + ".json")));
        return json;
    }

    /** llama.cpp's results for one file: {@code greedy} (list of {prompt, prompt_ids, tokens}), {@code ppl}, … */
    static Map<String, Object> expected(String preset, String type) {
        return Json.object(Json.object(expected(preset), "files"), type);
    }

    /** llama.cpp's greedy case for prompt {@code index} of prompts.json. */
    static Object greedy(String preset, String type, int index) {
        return Json.list(expected(preset, type), "greedy").get(index);
    }

    static String ids(int[] ids) {
        return String.join(" ", Arrays.stream(ids).mapToObj(Integer::toString).toList());
    }

    /**
     * Backends the CLI must run on: each provider with a usable device, plus those named in {@code -Dmicrollm.require}
     * (CI: MICROLLM_REQUIRE_BACKENDS), whose tests then fail when they are unusable. Others are left out loudly.
     */
    static Set<String> backendsToTest() {
        Set<String> names = new LinkedHashSet<>(required());
        Backends found = Backends.discover();
        found.ranked().stream().map(DeviceInfo::provider).forEach(names::add);
        for (Backends.Found f : found.providers()) {
            if (!names.contains(f.name())) {
                System.err.println("*** SKIPPED: backend '" + f.name() + "' has no usable device here: "
                        + f.devices().stream().map(DeviceInfo::unusableReason).toList());
            }
        }
        return names;
    }

    static Set<String> required() {
        Set<String> names = new LinkedHashSet<>();
        for (String s : System.getProperty("microllm.require", "").split(",")) if (!s.isBlank()) names.add(s.strip());
        return names;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
