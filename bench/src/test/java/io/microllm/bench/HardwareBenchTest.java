package io.microllm.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.bench.synth.ModelShape;
import io.microllm.bench.synth.SyntheticModel;
import io.microllm.bench.synth.SyntheticModelCache;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short bench run on the tiny synthetic model, on the cpu backend: the shape of the results, not their speed. */
class HardwareBenchTest {
    @TempDir static Path dir;
    static Path model;
    static BenchReport report;
    static List<String> phases = new ArrayList<>();

    @BeforeAll
    static void run() throws IOException {
        model = dir.resolve("tiny-q8_0.gguf");
        new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q8_0, 1).write(model);
        BenchSettings settings = BenchSettings.defaults().withModels(List.of(model)).withTokens(8, 4).withRepetitions(2)
                .withThreads(List.of(1, 2)).withBackends(List.of("cpu"));
        report = new HardwareBench(settings, recorder(), new SyntheticModelCache(dir.resolve("cache"))).run();
    }

    private static ProgressListener recorder() {
        return new ProgressListener() {
            @Override public void begin(String phase, long total, String unit) { phases.add(phase + " " + total); }
            @Override public void advance(long steps, String doing) { }
            @Override public void end() { }
            @Override public void say(String line) { }
        };
    }

    @Test
    void measuresEveryThreadCountWithMedianAndSpread() {
        assertEquals(List.of("memory bandwidth 2", "bench 8"), phases, "2 rows × (load + warm-up + 2 runs)");
        assertEquals(2, report.rows().size());
        for (BenchRow r : report.rows()) {
            assertTrue(r.ok(), r.error());
            assertEquals("cpu", r.backend());
            assertEquals(2, r.prompt().samples().length);
            assertTrue(r.prompt().median() > 0 && r.generation().median() > 0);
            assertTrue(r.readBandwidth() > 0 && r.generationLimit().isPresent() && r.percentOfLimit().isPresent());
            assertTrue(r.loadMillis() >= 0 && r.loadSeconds().isPresent(), "every loaded engine reports its load time");
        }
        assertEquals(List.of(1, 2), report.rows().stream().map(BenchRow::threads).toList());
        assertEquals(List.of(1, 2), report.bandwidth().stream().map(BandwidthProbe.Bandwidth::threads).toList());
        assertNull(report.peer());
        assertEquals(1, report.fastestPerModel().size());
    }

    @Test
    void bytesPerTokenCountTheTiedOutputAndTheKvCache() {
        ModelInfo m = report.models().getFirst();
        SyntheticModel synth = new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q8_0, 1);
        // Every tensor is read once per token (the embedding as the tied output projection), plus one embedding row.
        long embeddingRow = TensorType.Q8_0.bytes(ModelShape.TINY.embd);
        assertEquals(synth.tensorBytes() + embeddingRow, m.weightBytesPerToken());
        long kvPerPosition = 2L * 2 * ModelShape.TINY.layers * ModelShape.TINY.kvHeads * ModelShape.TINY.headDim;
        assertEquals(kvPerPosition, m.kvBytesPerPosition());
        assertEquals(m.weightBytesPerToken() + 10 * kvPerPosition, m.bytesPerToken(9));
        assertEquals("tiny (synthetic)", m.label());
        assertEquals("Q8_0", m.type());
        assertEquals(8, m.prompt().length);
    }

    @Test
    void syntheticLabelsNameAForeignArchitecture() throws IOException {
        Path qwen = dir.resolve("tiny-qwen3.gguf");
        new SyntheticModel(ModelShape.TINY, "qwen3", TensorType.Q4_0, 1).write(qwen);
        ModelInfo m = ModelInfo.read(qwen, 5);
        assertEquals("tiny qwen3 (synthetic)", m.label());
        assertEquals("qwen3", m.architecture());
        assertEquals("Q4_0", m.type());
        assertTrue(m.synthetic());
    }

    @Test
    void tableHasTheExpectedColumns() {
        ReportTable t = new ReportTable(report);
        assertEquals(List.of("model", "type", "backend", "device", "threads", "load s", "pp8 t/s", "tg4 t/s", "tg % of BW limit"), t.header());
        List<List<String>> rows = t.rows();
        assertEquals(2, rows.size());
        assertEquals(List.of("tiny (synthetic)", "Q8_0", "cpu", "0", "1"), rows.getFirst().subList(0, 5));
        BenchRow first = report.rows().getFirst();
        assertEquals(String.format(Locale.ROOT, "%.2f", first.loadMillis() / 1e3), rows.getFirst().get(5));
        assertTrue(rows.getFirst().get(6).matches("\\d+\\.\\d ± \\d+\\.\\d"), rows.getFirst().get(6));
        assertTrue(rows.getFirst().get(8).matches("\\d+ % of \\d+"), rows.getFirst().get(8));
        assertTrue(t.preamble().stream().anyMatch(l -> l.startsWith("load s = ") && l.contains("kernels compiled")));
        assertTrue(t.preamble().stream().anyMatch(l -> l.startsWith("Read bandwidth") && l.contains("GB/s")));
        assertTrue(t.preamble().stream().anyMatch(l -> l.contains("SYNTHETIC")), "says plainly that the weights are synthetic");
        assertTrue(t.summary().stream().anyMatch(l -> l.startsWith("Fastest for tiny (synthetic) Q8_0: cpu:0")));
    }

    @Test
    void jsonHoldsEverySampleAndTheContext() throws IOException {
        Path file = dir.resolve("bench.json");
        JsonReport.write(report, file);
        String json = Files.readString(file);
        assertTrue(json.startsWith("{\"date\": \""), json);
        for (String key : List.of("\"machine\"", "\"settings\"", "\"bandwidth\"", "\"best_bytes_per_s\"", "\"models\"", "\"rows\"",
                "\"load_s\": " + report.rows().getFirst().loadMillis() / 1e3, "\"pp\"", "\"tg\"", "\"median\"", "\"stdev\"", "\"samples\"", "\"tg_limit\"", "\"tg_percent_of_limit\"", "\"tg_vs_llamacpp\": null")) {
            assertTrue(json.contains(key), key + " missing in " + json);
        }
        assertEquals(json.chars().filter(c -> c == '{').count(), json.chars().filter(c -> c == '}').count());
        assertEquals(json.chars().filter(c -> c == '[').count(), json.chars().filter(c -> c == ']').count());
    }

    @Test
    void csvHasAHeaderAndOneLinePerRow() throws IOException {
        Path file = dir.resolve("bench.csv");
        CsvReport.write(report, file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(1 + report.rows().size(), lines.size());
        assertEquals(CsvReport.COLUMNS, Arrays.asList(lines.getFirst().split(",")));
        assertTrue(CsvReport.COLUMNS.containsAll(List.of("backend", "device", "type", "threads", "load_s", "pp_median", "tg_median", "tg_percent_of_limit")));
        assertEquals(CsvReport.COLUMNS.indexOf("repetitions") + 1, CsvReport.COLUMNS.indexOf("load_s"));
        for (int i = 1; i < lines.size(); i++) {
            assertTrue(lines.get(i).contains(",tiny (synthetic),Q8_0,cpu,0,"), lines.get(i));
            String repetitionsThenLoad = ",2," + report.rows().get(i - 1).loadMillis() / 1e3 + ",";
            assertTrue(lines.get(i).contains(repetitionsThenLoad), lines.get(i));
        }
    }

    @Test
    void chartIsAPng() throws IOException {
        Path file = dir.resolve("charts").resolve("bench.png");
        ChartReport.write(report, file);
        assertTrue(Files.size(file) > 1000);
        byte[] magic = Arrays.copyOf(Files.readAllBytes(file), 8);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, magic);
        assertThrows(IllegalArgumentException.class, () -> ChartReport.write(report, dir.resolve("bench.jpg")));
    }

    @Test
    void settingsRefuseNonsenseAndUnknownBackendsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.defaults().withTokens(0, 32));
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.defaults().withTokens(64, 1));
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.defaults().withRepetitions(0));
        assertThrows(IllegalArgumentException.class, () -> BenchSettings.defaults().withThreads(List.of(0)));
        assertEquals(List.of(1, 3), BenchSettings.defaults().withThreads(List.of(3, 1, 3)).threadCounts());
        BenchSettings bad = BenchSettings.defaults().withModels(List.of(model)).withBackends(List.of("quantum"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new HardwareBench(bad, ProgressListener.NONE, new SyntheticModelCache(dir)).run());
        assertTrue(e.getMessage().contains("quantum") && e.getMessage().contains("cpu"), e.getMessage());
        assertFalse(report.rows().isEmpty());
    }
}
