package io.microllm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The report as JSON: every sample, the medians and spreads, the limits and ratios, and the context. */
public final class JsonReport {
    private JsonReport() {}

    public static void write(BenchReport r, Path file) throws IOException {
        Files.writeString(file, toJson(r), StandardCharsets.UTF_8);
    }

    public static String toJson(BenchReport r) {
        MachineInfo m = r.machine();
        BenchSettings s = r.settings();
        List<String> bandwidth = r.bandwidth().stream().map(b -> object("threads", b.threads(), "best_bytes_per_s", b.bestBytesPerSecond(),
                "median_bytes_per_s", b.medianBytesPerSecond())).toList();
        List<String> models = r.models().stream().map(mi -> object("label", mi.label(), "path", mi.path().toString(), "architecture",
                mi.architecture(), "type", mi.type(), "synthetic", mi.synthetic(), "parameters", mi.parameters(), "file_bytes", mi.fileBytes(),
                "weight_bytes_per_token", mi.weightBytesPerToken(), "kv_bytes_per_position", mi.kvBytesPerPosition())).toList();
        List<String> rows = new ArrayList<>();
        for (BenchRow row : r.rows()) {
            rows.add(object("model", row.model().label(), "type", row.model().type(), "backend", row.backend(), "device", row.device(),
                    "device_name", row.deviceName(), "threads", row.threads(), "load_s", value(row.loadSeconds()),
                    "pp", stats(row.prompt()), "tg", stats(row.generation()),
                    "read_bandwidth_bytes_per_s", row.readBandwidth() > 0 ? row.readBandwidth() : null, "bytes_per_token", row.bytesPerToken(),
                    "tg_limit", value(row.generationLimit()), "tg_percent_of_limit", value(row.percentOfLimit()),
                    "pp_vs_llamacpp", value(r.promptRatio(row)), "tg_vs_llamacpp", value(r.generationRatio(row)),
                    "note", row.note(), "error", row.error()));
        }
        return object(
                "date", r.date().toString(), "elapsed_s", r.elapsed().toMillis() / 1000.0,
                "machine", object("cpu", m.cpu(), "logical_cores", m.logicalCores(), "memory_bytes", m.memoryBytes(), "os", m.os(),
                        "java", m.java(), "load_average_start", m.loadAverage(), "load_average_end", r.loadAfter()),
                "settings", object("prompt_tokens", s.promptTokens(), "generated_tokens", s.generatedTokens(), "repetitions", s.repetitions(),
                        "warmups", s.warmups(), "threads", new Raw(s.threadCounts().toString()), "peer", r.peer()),
                "bandwidth", new Raw(array(bandwidth)), "models", new Raw(array(models)), "notes", new Raw(strings(r.notes())),
                "rows", new Raw(array(rows))) + "\n";
    }

    /** Already-encoded JSON. */
    private record Raw(String json) {}

    private static Raw stats(Stats s) {
        if (s == null) return null;
        StringBuilder samples = new StringBuilder("[");
        for (double x : s.samples()) samples.append(samples.length() > 1 ? "," : "").append(number(x));
        return new Raw(object("median", s.median(), "mean", s.mean(), "stdev", s.stdev(), "min", s.min(), "max", s.max(),
                "samples", new Raw(samples + "]")));
    }

    private static Double value(OptionalDouble d) { return d.isPresent() ? d.getAsDouble() : null; }

    private static String object(Object... kv) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) b.append(", ");
            b.append(string((String) kv[i])).append(": ").append(encode(kv[i + 1]));
        }
        return b.append('}').toString();
    }

    private static String encode(Object v) {
        return switch (v) {
            case null -> "null";
            case Raw raw -> raw.json();
            case String str -> string(str);
            case Boolean bool -> bool.toString();
            case Double d -> number(d);
            case Number n -> n.toString();
            default -> string(v.toString());
        };
    }

    private static String array(List<String> encoded) { return "[" + String.join(", ", encoded) + "]"; }

    private static String strings(List<String> values) { return array(values.stream().map(JsonReport::string).toList()); }

    private static String number(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "null"; // "1.5E9" is valid JSON
    }

    private static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
