package io.microllm.conformance;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.Backends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI entry point: progress lines, the matrix, the CSV and the exit status. */
class ConformanceReportTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private static final BackendProvider REFERENCE = TestProvider.usable("ref", ReferenceBackend::new);
    private static final BackendProvider WRONG_SCALE = TestProvider.usable("wrongscale", () -> new FaultyBackend(FaultyBackend.Fault.WRONG_SCALE));
    private static final BackendProvider ABSENT = TestProvider.unusable("gpu", "no OpenCL platform found");

    private static ConformanceReport.Options quick(String filter) {
        return ConformanceReport.Options.defaults().withUpTo(ConformanceCase.Size.SMALL).withFilter(filter).withSeed(99);
    }

    private String printed() { return bytes.toString(StandardCharsets.UTF_8); }

    @Test
    void passingBackendExitsZeroAndWritesItsMatrix(@TempDir Path dir) throws Exception {
        int status = ConformanceReport.run(Backends.of(List.of(REFERENCE, WRONG_SCALE)), "ref",
                quick("^(Add|Scale)\\(").withCsvDirectory(dir), out);
        assertEquals(ConformanceReport.PASSED, status, printed());
        assertTrue(printed().contains("conformance: ref:0 (ref test device)"), printed());
        assertTrue(printed().contains("seed 99"), printed());
        assertTrue(printed().matches("(?s).*\\[ *1/\\d+] PASS +Add\\(.*"), printed());
        assertTrue(printed().matches("(?s).*Scale F32\\s+\\| yes.*"), printed());
        List<String> csv = Files.readAllLines(dir.resolve("ref.csv"));
        assertTrue(csv.size() > 10 && csv.stream().skip(1).allMatch(l -> l.contains(",PASS,")), String.join("\n", csv));
    }

    @Test
    void failingBackendExitsOneAndSaysWhy() {
        int status = ConformanceReport.run(Backends.of(List.of(REFERENCE, WRONG_SCALE)), "wrongscale", quick("^(Add|Scale)\\("), out);
        assertEquals(ConformanceReport.FAILED, status, printed());
        assertTrue(printed().matches("(?s).*FAIL +Scale\\(.*\\n +NMSE .* > 1e-07.*"), printed());
        assertTrue(printed().matches("(?s).*Scale F32\\s+\\| FAIL \\d+/\\d+.*"), printed());
        assertTrue(printed().matches("(?s).*Add F32\\s+\\| yes.*"), printed());
    }

    @Test
    void withoutAChoiceEveryDeviceIsTestedAndAbsentOnesAreSkippedWithTheReason() {
        int status = ConformanceReport.run(Backends.of(List.of(REFERENCE, ABSENT)), null, quick("^Mul\\("), out);
        assertEquals(ConformanceReport.PASSED, status, printed());
        assertTrue(printed().contains("SKIPPED gpu:-: no OpenCL platform found"), printed());
        assertTrue(printed().matches("(?s).*Mul F32\\s+\\| yes\\s+\\| skipped.*"), printed());
    }

    @Test
    void unknownOrUnusableChoiceIsNotRun() {
        assertEquals(ConformanceReport.NOT_RUN, ConformanceReport.run(Backends.of(List.of(REFERENCE)), "nosuch", quick(null), out));
        assertTrue(printed().contains("unknown backend 'nosuch'"), printed());
        assertEquals(ConformanceReport.NOT_RUN, ConformanceReport.run(Backends.of(List.of(ABSENT)), "gpu", quick(null), out));
        assertTrue(printed().contains("no OpenCL platform found"), printed());
        assertEquals(ConformanceReport.NOT_RUN, ConformanceReport.run(Backends.of(List.of(ABSENT)), "", quick(null), out));
    }
}
