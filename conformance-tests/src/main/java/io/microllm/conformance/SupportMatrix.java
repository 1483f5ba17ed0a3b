package io.microllm.conformance;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which op × type each tested device runs correctly, like llama.cpp's docs/ops tables: a CSV with one line per
 * case and device, and a printed table with one row per op and type and one column per device.
 */
public final class SupportMatrix {
    private static final String CSV_HEADER = "backend,device,op,type,params,op_class,outcome,nmse,max_nmse,seed,millis,detail";

    private final List<ConformanceResults> devices;

    private SupportMatrix(List<ConformanceResults> devices) { this.devices = List.copyOf(devices); }

    public static SupportMatrix of(List<ConformanceResults> devices) { return new SupportMatrix(devices); }

    public static SupportMatrix of(ConformanceResults... devices) { return new SupportMatrix(List.of(devices)); }

    /** Writes the CSV (creating parent directories): one line per case and device; a skipped device gets one line. */
    public void write(Path csv) throws IOException {
        if (csv.getParent() != null) Files.createDirectories(csv.getParent());
        List<String> lines = new ArrayList<>();
        lines.add(CSV_HEADER);
        for (ConformanceResults d : devices) {
            if (d.skippedReason() != null) {
                lines.add(csvLine(d.backend(), d.device().name(), "*", "*", "", "", Outcome.SKIPPED.name(), "", "", "", "", d.skippedReason()));
            }
            for (CaseResult r : d.results()) {
                lines.add(csvLine(d.backend(), d.device().name(), r.op(), r.type(), r.params(), r.opClass().name(), r.outcome().name(),
                        Double.isNaN(r.nmse()) ? "" : String.format(Locale.ROOT, "%.3e", r.nmse()),
                        String.format(Locale.ROOT, "%.0e", r.opClass().maxNmse()), Long.toString(r.seed()),
                        Long.toString(r.millis()), r.detail()));
            }
        }
        Files.write(csv, lines);
    }

    /**
     * Prints the table: "yes" (all cases pass), "no" (declined), "partial p/n" (some declined or skipped),
     * "FAIL f/n", "skipped"; then every distinct reason a device gave for declining.
     */
    public void print(PrintStream out) {
        Map<String, Map<String, List<CaseResult>>> rows = new LinkedHashMap<>();
        for (ConformanceResults d : devices) {
            for (CaseResult r : d.results()) {
                rows.computeIfAbsent(r.op() + " " + r.type(), k -> new LinkedHashMap<>())
                        .computeIfAbsent(d.backend(), k -> new ArrayList<>()).add(r);
            }
        }
        int first = Math.max(16, rows.keySet().stream().mapToInt(String::length).max().orElse(0));
        List<Integer> widths = devices.stream().map(d -> Math.max(14, d.backend().length())).toList();
        StringBuilder header = new StringBuilder(pad("op type", first));
        for (int i = 0; i < devices.size(); i++) header.append(" | ").append(pad(devices.get(i).backend(), widths.get(i)));
        out.println(header);
        out.println("-".repeat(header.length()));
        for (var row : rows.entrySet()) {
            StringBuilder line = new StringBuilder(pad(row.getKey(), first));
            for (int i = 0; i < devices.size(); i++) {
                ConformanceResults d = devices.get(i);
                String cell = d.skippedReason() != null ? "skipped" : cell(row.getValue().getOrDefault(d.backend(), List.of()));
                line.append(" | ").append(pad(cell, widths.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        for (ConformanceResults d : devices) {
            out.println(d.summary());
            TreeSet<String> reasons = new TreeSet<>();
            for (CaseResult r : d.results()) {
                if (r.outcome() == Outcome.UNSUPPORTED || r.outcome() == Outcome.SKIPPED) {
                    reasons.add(r.outcome() + " " + r.op() + " " + r.type() + ": " + r.detail());
                }
            }
            reasons.forEach(reason -> out.println("  " + reason));
        }
    }

    private static String cell(List<CaseResult> results) {
        if (results.isEmpty()) return "-";
        long n = results.size();
        long failed = results.stream().filter(r -> r.outcome() == Outcome.FAIL).count();
        long passed = results.stream().filter(r -> r.outcome() == Outcome.PASS).count();
        long declined = results.stream().filter(r -> r.outcome() == Outcome.UNSUPPORTED).count();
        if (failed > 0) return "FAIL " + failed + "/" + n;
        if (passed == n) return "yes";
        if (declined == n) return "no";
        if (passed == 0) return "skipped";
        return "partial " + passed + "/" + n;
    }

    private static String pad(String s, int width) { return s.length() >= width ? s : s + " ".repeat(width - s.length()); }

    private static String csvLine(String... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) line.append(',');
            String v = Objects.requireNonNullElse(fields[i], "");
            boolean quote = v.indexOf(',') >= 0 || v.indexOf('"') >= 0 || v.indexOf('\n') >= 0 || v.indexOf('\r') >= 0;
            line.append(quote ? '"' + v.replace("\"", "\"\"") + '"' : v);
        }
        return line.toString();
    }
}
