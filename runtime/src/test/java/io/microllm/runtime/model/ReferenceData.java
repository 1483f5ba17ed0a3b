package io.microllm.runtime.model;

import io.microllm.testsupport.Json;
import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The llama.cpp reference kit in {@code <microllm.shared.dir>/testdata} (see its README): 2 synthetic "peaked"
 * models × 10 tensor types, with llama.cpp's greedy tokens and perplexities in {@code expected/<preset>.json}.
 */
final class ReferenceData {
    static final List<String> PRESETS = List.of("llama-spm-peaked", "qwen3-peaked");
    static final List<String> TYPES = List.of("F32", "F16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q4_K", "Q5_K", "Q6_K");

    private ReferenceData() {}

    static Path dir() {
        String shared = System.getProperty("microllm.shared.dir");
        if (shared == null) throw new IllegalStateException("system property microllm.shared.dir is not set (Surefire sets it)");
        Path dir = Path.of(shared, "testdata");
        if (!Files.isDirectory(dir)) throw new IllegalStateException("reference data missing: " + dir);
        return dir;
    }

    static Path model(String preset, String type) { return dir().resolve("models/" + preset + "-" + type + ".gguf"); }

    static Map<String, Object> expected(String preset) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir().resolve("expected/" + preset + ".json")));
            return json;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** llama.cpp's results for one file: {@code greedy} (list of {prompt, prompt_ids, tokens}), {@code ppl}, … */
    static Map<String, Object> expected(String preset, String type) {
        return Json.object(Json.object(expected(preset), "files"), type);
    }

    static int[] excerptIds(String preset) {
        try {
            String text = Files.readString(dir().resolve("expected/" + preset + ".excerpt-ids.txt")).trim();
            return Arrays.stream(text.split("[\\s,\\[\\]]+")).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The fastest backend here: the cpu backend when it is usable, with the scalar {@link ReferenceBackend} behind it
     * for anything it declines; the reference backend alone otherwise (said loudly: it is slow).
     */
    static List<Supplier<Backend>> backends() {
        List<Supplier<Backend>> ranked = new ArrayList<>();
        Backends all = Backends.discover();
        for (DeviceInfo d : all.ranked()) {
            if (d.provider().equals("cpu")) {
                ranked.add(() -> all.open(d, BackendOptions.defaults()));
                break;
            }
        }
        if (ranked.isEmpty()) System.err.println("*** no usable cpu backend: model tests run on the scalar ReferenceBackend alone");
        ranked.add(ReferenceBackend::new);
        return ranked;
    }

    static Model load(String preset, String type, ModelOptions options) {
        try {
            return Model.load(model(preset, type), options, backends());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
