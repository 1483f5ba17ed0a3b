package io.microllm.conformance;

import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.Support;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/** Runs one case on one backend against a fresh reference and turns what happened into a {@link CaseResult}. */
final class CaseRunner {
    private final Supplier<Backend> reference;

    CaseRunner(Supplier<Backend> reference) { this.reference = reference; }

    CaseResult run(ConformanceCase c, Backend backend, DeviceInfo device, long seed) {
        long start = System.nanoTime();
        Verdict v;
        try {
            v = c.isRejection() ? reject(c, backend, seed) : compare(c, backend, device, seed);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            v = new Verdict(Outcome.FAIL, Double.NaN, "the suite failed: " + describe(e));
        }
        return CaseResult.of(c, v.outcome, v.nmse, seed, v.detail, (System.nanoTime() - start) / 1_000_000);
    }

    private record Verdict(Outcome outcome, double nmse, String detail) {
        static Verdict fail(String detail) { return new Verdict(Outcome.FAIL, Double.NaN, detail); }
    }

    private Verdict compare(ConformanceCase c, Backend backend, DeviceInfo device, long seed) {
        SupportProbe probe;
        try {
            probe = SupportProbe.of(c, backend);
        } catch (RuntimeException e) {
            return Verdict.fail("supports() threw " + describe(e));
        }
        Support support = probe.support();
        if (!support.supported()) return new Verdict(Outcome.UNSUPPORTED, Double.NaN, support.reason());
        long memory = device.memoryBytes();
        if (memory > 0 && probe.footprintBytes() > memory / 2) {
            return new Verdict(Outcome.SKIPPED, Double.NaN, String.format(Locale.ROOT,
                    "needs %d MiB of tensors, more than half the device's %d MiB", probe.footprintBytes() >> 20, memory >> 20));
        }

        HostData data = new HostData(seed);
        Execution.Result expected;
        try (Backend ref = reference.get()) {
            expected = Execution.run(c, ref, data);
        } catch (RuntimeException e) {
            return Verdict.fail("the reference failed (a suite or kernels bug): " + describe(e));
        }
        if (!expected.problems().isEmpty()) return Verdict.fail("the reference itself: " + String.join("; ", expected.problems()));

        Execution.Result actual;
        try {
            actual = Execution.run(c, backend, data);
        } catch (RuntimeException e) {
            return Verdict.fail("threw " + describe(e));
        }
        if (!actual.problems().isEmpty()) return Verdict.fail(String.join("; ", actual.problems()));

        double worst = 0;
        String detail = "";
        List<float[]> values = actual.values();
        for (int i = 0; i < values.size(); i++) {
            Comparison cmp = Comparison.of(expected.values().get(i), values.get(i), actual.shapes().get(i), c.opClass());
            String prefix = values.size() == 1 ? "" : "output " + i + ": ";
            if (!cmp.ok()) return Verdict.fail(prefix + cmp.detail());
            if (cmp.nmse() >= worst) {
                worst = cmp.nmse();
                detail = prefix + cmp.detail();
            }
        }
        return new Verdict(Outcome.PASS, worst, detail);
    }

    private static Verdict reject(ConformanceCase c, Backend backend, long seed) {
        Execution e = new Execution(backend, new HostData(seed));
        Runnable badCall;
        try {
            badCall = c.rejection().apply(e);
        } catch (RuntimeException ex) {
            return Verdict.fail("setting up the valid tensors failed: " + describe(ex));
        }
        try {
            badCall.run();
            backend.synchronize();
        } catch (IllegalArgumentException ex) {
            if (ex.getMessage() == null || ex.getMessage().isBlank()) {
                return Verdict.fail("IllegalArgumentException without a message: it must name the problem");
            }
            List<String> problems = e.untouched();
            if (!problems.isEmpty()) return Verdict.fail(String.join("; ", problems));
            return new Verdict(Outcome.PASS, Double.NaN, "rejected: " + ex.getMessage());
        } catch (RuntimeException ex) {
            return Verdict.fail("threw " + describe(ex) + " instead of IllegalArgumentException");
        }
        return Verdict.fail("accepted bad input without an exception");
    }

    /** The exception, its message and where it came from: enough to find the bug from a CI log. */
    static String describe(Throwable e) {
        StackTraceElement[] trace = e.getStackTrace();
        String at = trace.length > 0 ? " at " + trace[0] : "";
        String cause = e.getCause() != null && e.getCause() != e ? " (caused by " + e.getCause() + ")" : "";
        return e.getClass().getName() + ": " + e.getMessage() + at + cause;
    }
}
