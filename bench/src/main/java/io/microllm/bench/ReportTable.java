package io.microllm.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The human-readable report: lines about the machine and settings, the results table (header and cells, which the
 * command line prints as markdown) and a summary. The JSON and CSV files hold the same numbers unrounded.
 */
public final class ReportTable {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private final BenchReport report;
    private final boolean withPeer;
    private final boolean withNotes;

    public ReportTable(BenchReport report) {
        this.report = report;
        this.withPeer = report.peer() != null;
        this.withNotes = report.rows().stream().anyMatch(r -> !r.ok() || !r.note().isEmpty());
    }

    public List<String> header() {
        BenchSettings s = report.settings();
        List<String> h = new ArrayList<>(List.of("model", "type", "backend", "device", "threads", "load s",
                "pp" + s.promptTokens() + " t/s", "tg" + s.generatedTokens() + " t/s", "tg % of BW limit"));
        if (withPeer) h.addAll(List.of("pp vs llama.cpp", "tg vs llama.cpp"));
        if (withNotes) h.add("note");
        return h;
    }

    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (BenchRow r : report.rows()) {
            List<String> cells = new ArrayList<>(List.of(r.model().label(), r.model().type(), r.backend(), r.device(), Integer.toString(r.threads()),
                    seconds(r.loadSeconds()), r.ok() ? r.prompt().format() : "-", r.ok() ? r.generation().format() : "-", limit(r)));
            if (withPeer) {
                cells.add(ratio(report.promptRatio(r)));
                cells.add(ratio(report.generationRatio(r)));
            }
            if (withNotes) cells.add(r.ok() ? r.note() : r.error());
            rows.add(cells);
        }
        return rows;
    }

    /** What was measured, where and how: printed above the table. */
    public List<String> preamble() {
        BenchReport r = report;
        MachineInfo m = r.machine();
        BenchSettings s = r.settings();
        List<String> lines = new ArrayList<>();
        lines.add("microllm bench, " + DATE.format(r.date()) + ": " + m.cpu() + ", " + m.logicalCores() + " cores, "
                + gib(m.memoryBytes()) + " RAM, " + m.os() + ", " + m.java());
        if (m.loadAverage() >= 0) {
            boolean busy = m.loadAverage() > 0.5; // before bench itself weighs on it
            lines.add(String.format(Locale.ROOT, "Load average %.1f at start, %.1f at the end (bench included)%s", m.loadAverage(), r.loadAfter(),
                    busy ? ": other work shared this machine, so the numbers are noisy (medians keep the worst out)" : ""));
        }
        StringBuilder bw = new StringBuilder("Read bandwidth (" + BandwidthProbe.STANDARD_BYTES / (1 << 20) + " MiB scan, best pass):");
        for (BandwidthProbe.Bandwidth b : r.bandwidth()) {
            bw.append(String.format(Locale.ROOT, " %d thread%s %.1f GB/s (median %.1f);", b.threads(), b.threads() == 1 ? "" : "s",
                    b.bestGBps(), b.medianGBps()));
        }
        lines.add(bw.substring(0, bw.length() - 1));
        for (ModelInfo mi : r.models()) {
            lines.add(String.format(Locale.ROOT, "Model %s %s: %s, %.1f M parameters, %s file, %.1f MiB read per generated token%s",
                    mi.label(), mi.type(), mi.architecture(), mi.parameters() / 1e6, mib(mi.fileBytes()),
                    mi.bytesPerToken(s.promptTokens() + s.generatedTokens() / 2) / (double) (1 << 20),
                    mi.synthetic() ? " (SYNTHETIC random weights: real size and speed, meaningless text)" : ""));
        }
        lines.add(String.format(Locale.ROOT, "pp%d = prompt processing of %d tokens, tg%d = generating %d tokens after it (greedy); "
                        + "%d measured run%s per row after %d warm-up, median ± standard deviation%s",
                s.promptTokens(), s.promptTokens(), s.generatedTokens(), s.generatedTokens(), s.repetitions(), s.repetitions() == 1 ? "" : "s",
                s.warmups(), r.peer() == null ? "" : "; peer: llama.cpp through " + r.peer() + ", same prompt ids and threads, runs alternating"));
        lines.add("load s = loading the model, before and apart from the runs (microllm: open, weights to the device, kernels compiled, "
                + "one warm-up token" + (r.peer() == null ? "" : "; llama.cpp: model and context set-up") + ")");
        lines.add("tg % of BW limit = tg / (read bandwidth at the row's threads / bytes read per token)");
        return lines;
    }

    /** The fastest device per model, how microllm fares against llama.cpp, and the notes. Printed below the table. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        for (BenchRow best : report.fastestPerModel()) {
            lines.add(String.format(Locale.ROOT, "Fastest for %s %s: %s with %d thread%s, tg %.1f t/s, pp %.1f t/s%s", best.model().label(),
                    best.model().type(), best.engine(), best.threads(), best.threads() == 1 ? "" : "s", best.generation().median(),
                    best.prompt().median(), best.percentOfLimit().isPresent()
                            ? String.format(Locale.ROOT, " (%.0f %% of its bandwidth limit)", best.percentOfLimit().getAsDouble()) : ""));
        }
        if (report.peer() != null) {
            lines.add(versus("generation", report.rows().stream().map(report::generationRatio).filter(OptionalDouble::isPresent)
                    .mapToDouble(OptionalDouble::getAsDouble).toArray()));
            lines.add(versus("prompt processing", report.rows().stream().map(report::promptRatio).filter(OptionalDouble::isPresent)
                    .mapToDouble(OptionalDouble::getAsDouble).toArray()));
        }
        for (String n : report.notes()) lines.add("Note: " + n);
        lines.add(String.format(Locale.ROOT, "Took %d s.", report.elapsed().toSeconds()));
        return lines;
    }

    private static String versus(String what, double[] ratios) {
        if (ratios.length == 0) return "No row could be compared with llama.cpp for " + what + ".";
        long faster = Arrays.stream(ratios).filter(x -> x >= 1).count();
        double worst = Arrays.stream(ratios).min().orElseThrow(), best = Arrays.stream(ratios).max().orElseThrow();
        String s = String.format(Locale.ROOT, "%s vs llama.cpp: microllm is faster in %d of %d rows", capitalize(what), faster, ratios.length);
        if (faster < ratios.length) s += String.format(Locale.ROOT, "; llama.cpp is faster in %d, by up to %.2f×", ratios.length - faster, 1 / worst);
        if (faster > 0) s += String.format(Locale.ROOT, "; microllm's best is %.2f×", best);
        return s + ".";
    }

    private static String limit(BenchRow r) {
        OptionalDouble pct = r.percentOfLimit();
        if (pct.isEmpty()) return "-";
        return String.format(Locale.ROOT, "%.0f %% of %.0f", pct.getAsDouble(), r.generationLimit().getAsDouble());
    }

    private static String seconds(OptionalDouble s) { return s.isPresent() ? String.format(Locale.ROOT, "%.2f", s.getAsDouble()) : "-"; }

    private static String ratio(OptionalDouble r) { return r.isPresent() ? String.format(Locale.ROOT, "%.2f", r.getAsDouble()) : "-"; }

    private static String capitalize(String s) { return Character.toUpperCase(s.charAt(0)) + s.substring(1); }

    private static String gib(long b) { return b <= 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30)); }

    private static String mib(long b) { return String.format(Locale.ROOT, "%.0f MiB", b / (double) (1L << 20)); }
}
