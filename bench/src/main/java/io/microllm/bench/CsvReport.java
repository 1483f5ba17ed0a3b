package io.microllm.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** The results as CSV (RFC 4180), one line per row, unrounded: for spreadsheets and plots across machines. */
public final class CsvReport {
    public static final List<String> COLUMNS = List.of("date", "cpu", "model", "type", "backend", "device", "device_name", "threads",
            "prompt_tokens", "generated_tokens", "repetitions", "load_s", "pp_median", "pp_stdev", "pp_min", "pp_max", "tg_median",
            "tg_stdev", "tg_min", "tg_max", "read_bandwidth_bytes_per_s", "bytes_per_token", "tg_limit", "tg_percent_of_limit",
            "pp_vs_llamacpp", "tg_vs_llamacpp", "note", "error");

    private CsvReport() {}

    public static void write(BenchReport r, Path file) throws IOException {
        Files.writeString(file, toCsv(r), StandardCharsets.UTF_8);
    }

    public static String toCsv(BenchReport r) {
        StringBuilder out = new StringBuilder(String.join(",", COLUMNS)).append("\r\n");
        BenchSettings s = r.settings();
        for (BenchRow row : r.rows()) {
            List<String> cells = new ArrayList<>(List.of(r.date().toString(), r.machine().cpu(), row.model().label(), row.model().type(),
                    row.backend(), row.device(), row.deviceName(), "" + row.threads(), "" + s.promptTokens(), "" + s.generatedTokens(),
                    "" + s.repetitions(), value(row.loadSeconds())));
            for (Stats st : new Stats[] {row.prompt(), row.generation()}) {
                if (st == null) cells.addAll(List.of("", "", "", ""));
                else cells.addAll(List.of("" + st.median(), "" + st.stdev(), "" + st.min(), "" + st.max()));
            }
            cells.addAll(List.of(row.readBandwidth() > 0 ? "" + row.readBandwidth() : "", "" + row.bytesPerToken(),
                    value(row.generationLimit()), value(row.percentOfLimit()), value(r.promptRatio(row)), value(r.generationRatio(row)),
                    row.note(), row.error() == null ? "" : row.error()));
            out.append(String.join(",", cells.stream().map(CsvReport::quote).toList())).append("\r\n");
        }
        return out.toString();
    }

    private static String value(OptionalDouble d) { return d.isPresent() ? "" + d.getAsDouble() : ""; }

    private static String quote(String cell) {
        boolean needs = cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r");
        return needs ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell;
    }
}
