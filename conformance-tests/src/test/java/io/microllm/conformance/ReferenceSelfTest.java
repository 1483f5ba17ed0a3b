package io.microllm.conformance;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The suite agrees with its own oracle, exactly, and its inputs depend on the seed alone. */
class ReferenceSelfTest {

    @Test
    void referenceAgainstItselfPassesEveryQuickCaseWithZeroError() {
        try (var backend = new ReferenceBackend(); var suite = ConformanceSuite.forBackend(backend)) {
            ConformanceResults results = suite.upTo(ConformanceCase.Size.SMALL).filter(null).run();
            System.out.println(results.summary());
            for (CaseResult r : results.results()) {
                assertEquals(Outcome.PASS, r.outcome(), r.id() + ": " + r.detail());
                if (!Double.isNaN(r.nmse())) assertEquals(0.0, r.nmse(), r.id());
            }
        }
    }

    @Test
    void inputsDependOnTheSeedOnly() {
        Shape s = Shape.of(3, 64);
        var a = new HostData(5).bytes("w", TensorType.Q4_0, s, Fill.uniform(-1, 1));
        var b = new HostData(5).bytes("w", TensorType.Q4_0, s, Fill.uniform(-1, 1));
        var c = new HostData(6).bytes("w", TensorType.Q4_0, s, Fill.uniform(-1, 1));
        assertEquals(-1, a.mismatch(b));
        assertNotEquals(-1, a.mismatch(c));
        assertEquals(HostData.caseSeed(1, "Add(x)"), HostData.caseSeed(1, "Add(x)"));
        assertNotEquals(HostData.caseSeed(1, "Add(x)"), HostData.caseSeed(1, "Add(y)"));
    }
}
