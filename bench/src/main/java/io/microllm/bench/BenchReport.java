package io.microllm.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * Everything one bench run measured, with the context needed to read it.
 *
 * @param peer       the peer's description ("de.kherud:llama 4.2.0") when it ran, else null
 * @param notes      things a reader must know: unusable devices, an unavailable peer, failures
 * @param loadAfter  the 1-minute load average when the run ended (-1 if unknown)
 */
public record BenchReport(Instant date, Duration elapsed, MachineInfo machine, BenchSettings settings,
                          List<BandwidthProbe.Bandwidth> bandwidth, List<ModelInfo> models, String peer, List<String> notes,
                          List<BenchRow> rows, double loadAfter) {

    public BenchReport {
        bandwidth = List.copyOf(bandwidth);
        models = List.copyOf(models);
        notes = List.copyOf(notes);
        rows = List.copyOf(rows);
    }

    /** The llama.cpp row with the same model and thread count as {@code row}, if it has numbers. */
    public Optional<BenchRow> peerOf(BenchRow row) {
        if (row.isPeer()) return Optional.empty();
        return rows.stream().filter(r -> r.isPeer() && r.ok() && r.model().path().equals(row.model().path()) && r.threads() == row.threads())
                .findFirst();
    }

    /** microllm / llama.cpp prompt speed for {@code row}. */
    public OptionalDouble promptRatio(BenchRow row) { return ratio(row, BenchRow::prompt); }

    /** microllm / llama.cpp generation speed for {@code row}. */
    public OptionalDouble generationRatio(BenchRow row) { return ratio(row, BenchRow::generation); }

    private OptionalDouble ratio(BenchRow row, Function<BenchRow, Stats> metric) {
        if (!row.ok()) return OptionalDouble.empty();
        return peerOf(row).map(p -> OptionalDouble.of(metric.apply(row).median() / metric.apply(p).median())).orElse(OptionalDouble.empty());
    }

    /** The microllm row with the fastest median generation for each model, best first. */
    public List<BenchRow> fastestPerModel() {
        return models.stream().flatMap(m -> rows.stream().filter(r -> !r.isPeer() && r.ok() && r.model().path().equals(m.path()))
                        .max(Comparator.comparingDouble(r -> r.generation().median())).stream())
                .sorted(Comparator.comparingDouble((BenchRow r) -> r.generation().median()).reversed())
                .toList();
    }
}
