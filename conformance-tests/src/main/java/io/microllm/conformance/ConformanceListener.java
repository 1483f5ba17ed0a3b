package io.microllm.conformance;

import io.microllm.spi.DeviceInfo;

import java.io.PrintStream;
import java.util.Locale;

/** Follows a suite run, e.g. to print progress. Every method does nothing by default. */
public interface ConformanceListener {

    ConformanceListener NONE = new ConformanceListener() {};

    default void suiteStarted(DeviceInfo device, long seed, int cases) {}

    /** After each case; {@code index} counts from 0 up to {@code cases - 1}. */
    default void caseFinished(int index, int cases, CaseResult result) {}

    default void suiteFinished(ConformanceResults results) {}

    /**
     * A header with the device and seed, then one line per case ({@code [ 12/310] PASS  MatMul(...)  NMSE ...}),
     * failures and declines with their reason. The summary is part of {@link SupportMatrix#print}.
     */
    static ConformanceListener printing(PrintStream out) {
        return new ConformanceListener() {
            @Override
            public void suiteStarted(DeviceInfo device, long seed, int cases) {
                out.printf(Locale.ROOT, "conformance: %s (%s), %d cases, seed %d (-D%s=%d reproduces this run)%n",
                        device.qualifiedId(), device.name(), cases, seed, ConformanceSuite.SEED_PROPERTY, seed);
            }

            @Override
            public void caseFinished(int index, int cases, CaseResult r) {
                out.println(line(index, cases, r));
            }
        };
    }

    /** The progress line of one result. */
    static String line(int index, int cases, CaseResult r) {
        int width = String.valueOf(cases).length();
        String head = String.format(Locale.ROOT, "[%" + width + "d/%d] %-11s %s", index + 1, cases, r.outcome(), r.id());
        return switch (r.outcome()) {
            case PASS -> head + (Double.isNaN(r.nmse()) ? "" : String.format(Locale.ROOT, "  NMSE %.2e", r.nmse()))
                    + "  " + r.millis() + " ms";
            case FAIL -> head + "\n        " + r.detail() + " (case seed " + r.seed() + ")";
            case UNSUPPORTED, SKIPPED -> head + ": " + r.detail();
        };
    }
}
