package io.microllm.conformance;

import io.microllm.conformance.FaultyBackend.Fault;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The suite catches a wrong backend: each deliberate fault must FAIL exactly the cases that exercise it (and a
 * declined op must be UNSUPPORTED, never FAIL). Runs the quick (SMALL) cases, which cover every op.
 */
class FaultyBackendMetaTest {

    private static List<CaseResult> run(Fault fault) {
        try (var backend = new FaultyBackend(fault); var suite = ConformanceSuite.forBackend(backend)) {
            ConformanceResults results = suite.upTo(ConformanceCase.Size.SMALL).filter(null).run();
            System.out.println(fault + ": " + results.summary());
            return results.results();
        }
    }

    private static Predicate<CaseResult> op(String... names) {
        return r -> List.of(names).contains(r.op());
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = "DECLINES_F16_ATTENTION", mode = EnumSource.Mode.EXCLUDE)
    void failsExactlyTheCasesTheFaultBreaks(Fault fault) {
        Predicate<CaseResult> broken = switch (fault) {
            case ROPE_OFF_BY_ONE -> op("Rope");
            case WRONG_SCALE -> op("Scale");
            case OUT_OF_BOUNDS_WRITE -> op("Silu");
            case WRITES_BEFORE_DST -> op("Softmax");
            case SKIPS_LAST_ROW -> op("Mul").and(r -> !r.params().startsWith("a=[1,"));
            case ACCEPTS_BAD_MATMUL -> r -> r.op().equals("BadInput") && r.type().equals("MatMul");
            case DECLINES_F16_ATTENTION -> throw new AssertionError();
        };
        // RoPE scores depend only on relative positions: shifting q and k alike barely changes a block's output,
        // so the blocks may pass; the Rope cases must catch it.
        Predicate<CaseResult> either = fault == Fault.ROPE_OFF_BY_ONE ? op("TransformerBlock") : r -> false;
        List<CaseResult> results = run(fault);
        List<String> wronglyPassed = results.stream().filter(broken).filter(r -> r.outcome() != Outcome.FAIL).map(CaseResult::id).toList();
        List<String> wronglyFailed = results.stream().filter(broken.negate().and(either.negate())).filter(r -> r.outcome() != Outcome.PASS)
                .map(r -> r.id() + " " + r.outcome() + ": " + r.detail()).toList();
        results.stream().filter(either).forEach(r -> System.out.println("  tolerated either way: " + r.id() + " " + r.outcome() + " " + r.detail()));
        assertTrue(results.stream().anyMatch(broken), "the quick suite has cases for " + fault);
        assertEquals(List.of(), wronglyPassed, fault + " went unnoticed");
        assertEquals(List.of(), wronglyFailed, "cases the fault does not touch must pass");
        if (fault == Fault.OUT_OF_BOUNDS_WRITE) {
            results.stream().filter(broken).forEach(r -> assertTrue(r.detail().contains("guard rows after"), r.detail()));
        }
        if (fault == Fault.WRITES_BEFORE_DST) {
            results.stream().filter(broken).forEach(r -> assertTrue(r.detail().contains("guard rows before"), r.detail()));
        }
        if (fault == Fault.SKIPS_LAST_ROW) {
            // The sentinel is a NaN, so an unwritten element shows; in place, the input's old values show instead.
            results.stream().filter(broken).forEach(r -> assertTrue(r.detail().startsWith(r.params().contains("in-place") ? "NMSE" : "NaN at"), r.detail()));
        }
        if (fault == Fault.ACCEPTS_BAD_MATMUL) {
            results.stream().filter(broken).forEach(r -> assertTrue(r.detail().contains("accepted bad input"), r.detail()));
        }
    }

    @Test
    void aDeclinedOpIsUnsupportedWithTheBackendsReason() {
        List<CaseResult> results = run(Fault.DECLINES_F16_ATTENTION);
        Predicate<CaseResult> declined = r -> (r.op().equals("Attention") && r.type().equals("F16"))
                || (r.op().equals("TransformerBlock") && r.params().contains("cache=F16"));
        assertTrue(results.stream().anyMatch(declined));
        for (CaseResult r : results) {
            if (declined.test(r)) {
                assertEquals(Outcome.UNSUPPORTED, r.outcome(), r.id());
                assertTrue(r.detail().contains("no F16 attention kernel"), r.detail());
            } else {
                assertEquals(Outcome.PASS, r.outcome(), r.id() + ": " + r.detail());
            }
        }
        assertFalse(results.stream().anyMatch(r -> r.outcome() == Outcome.FAIL));
    }
}
