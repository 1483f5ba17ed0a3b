package io.microllm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.bench.synth.ModelShape;
import io.microllm.bench.synth.SyntheticModel;
import io.microllm.bench.synth.SyntheticModelCache;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --peer llamacpp on the tiny synthetic model: llama.cpp rows next to microllm's, with ratios. */
class LlamaCppPeerTest {
    @TempDir Path dir;

    @Test
    void peerRowsSitNextToMicrollmRowsWithRatios() throws IOException {
        String unavailable = LlamaCppPeer.unavailableReason();
        if (unavailable != null) System.err.println("SKIPPED LlamaCppPeerTest: " + unavailable);
        Assumptions.assumeTrue(unavailable == null, unavailable);

        // 64 tokens: long enough that the peer's generation time (a difference of two requests) stands out of the noise.
        Path model = dir.resolve("tiny.gguf");
        new SyntheticModel(ModelShape.TINY, "llama", TensorType.Q8_0, 1).write(model);
        BenchSettings settings = BenchSettings.defaults().withModels(List.of(model)).withTokens(8, 64).withRepetitions(1)
                .withThreads(List.of(1)).withBackends(List.of("cpu")).withPeer(true);
        BenchReport report = new HardwareBench(settings, ProgressListener.NONE, new SyntheticModelCache(dir)).run();

        assertEquals(List.of("cpu", LlamaCppPeer.NAME), report.rows().stream().map(BenchRow::backend).toList());
        BenchRow microllm = report.rows().getFirst(), peer = report.rows().getLast();
        assertTrue(peer.ok(), peer.error());
        assertEquals(1, peer.threads());
        assertTrue(report.peerOf(microllm).isPresent());
        assertEquals(microllm.generation().median() / peer.generation().median(), report.generationRatio(microllm).getAsDouble(), 1e-9);
        assertTrue(report.promptRatio(microllm).isPresent());
        assertTrue(report.peer().startsWith("de.kherud:llama "), report.peer());
        ReportTable t = new ReportTable(report);
        assertEquals(List.of("pp vs llama.cpp", "tg vs llama.cpp"), t.header().subList(9, 11));
        assertTrue(peer.loadSeconds().isPresent() && peer.loadMillis() >= 0, "the peer's load is timed too");
        assertTrue(t.summary().stream().anyMatch(l -> l.startsWith("Generation vs llama.cpp: ")));
    }
}
