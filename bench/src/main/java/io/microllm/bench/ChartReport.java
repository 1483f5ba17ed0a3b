package io.microllm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * A PNG of tokens/s: prompt processing above, generation below; one bar colour per backend and device (and
 * llama.cpp), grouped by model, type and thread count. Rows without numbers leave a gap.
 */
public final class ChartReport {
    private ChartReport() {}

    /** Fails unless {@code file} ends in .png (callers check before a long run). */
    public static void checkFileName(Path file) {
        String name = file.getFileName().toString();
        if (!name.toLowerCase(Locale.ROOT).endsWith(".png")) throw new IllegalArgumentException("the chart is a PNG: name the file *.png, got " + name);
    }

    public static void write(BenchReport r, Path file) throws IOException {
        checkFileName(file);
        // The model's name goes into the titles when there is one model, so the bar labels stay short.
        boolean oneModel = r.rows().stream().map(row -> row.model().label()).distinct().count() == 1;
        Function<BenchRow, String> group = row -> (oneModel ? "" : row.model().label().replace(" (synthetic)", "") + " ")
                + row.model().type() + ", " + row.threads() + (row.threads() == 1 ? " thread" : " threads");
        Set<String> groups = new LinkedHashSet<>(), engines = new LinkedHashSet<>();
        for (BenchRow row : r.rows()) groups.add(group.apply(row));
        for (BenchRow row : r.rows()) if (!row.isPeer()) engines.add(row.engine());
        for (BenchRow row : r.rows()) if (row.isPeer()) engines.add(row.engine()); // the peer's bars last
        BenchSettings s = r.settings();
        String of = oneModel ? " of " + r.rows().getFirst().model().label() : "";
        List<CategoryChart> charts = List.of(
                chart("Prompt processing (pp" + s.promptTokens() + ")" + of + ", tokens/s", r, group, groups, engines, BenchRow::prompt),
                chart("Generation (tg" + s.generatedTokens() + ")" + of + ", tokens/s", r, group, groups, engines, BenchRow::generation));
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        // XChart appends ".png" to the name it is given.
        String base = file.toAbsolutePath().toString();
        BitmapEncoder.saveBitmap(charts, 2, 1, base.substring(0, base.length() - 4), BitmapEncoder.BitmapFormat.PNG);
    }

    private static CategoryChart chart(String title, BenchReport r, Function<BenchRow, String> group, Set<String> groups, Set<String> engines,
                                       Function<BenchRow, Stats> metric) {
        int longest = groups.stream().mapToInt(String::length).max().orElse(10);
        int slot = Math.max(60 * engines.size(), 8 * longest); // room for each group's bars and its label
        CategoryChart c = new CategoryChartBuilder().width(Math.max(800, slot * groups.size() + 250)).height(420).title(title)
                .yAxisTitle("tokens/s").build();
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        List<String> x = new ArrayList<>(groups);
        for (String engine : engines) {
            Double[] y = new Double[x.size()];
            for (BenchRow row : r.rows()) {
                if (row.engine().equals(engine) && row.ok()) y[x.indexOf(group.apply(row))] = metric.apply(row).median();
            }
            // A series without a single number (every run failed) would break XChart's axis scaling.
            if (Arrays.stream(y).anyMatch(v -> v != null)) c.addSeries(engine, x, Arrays.asList(y));
        }
        if (c.getSeriesMap().isEmpty()) throw new IllegalStateException("no row has numbers to chart");
        return c;
    }
}
