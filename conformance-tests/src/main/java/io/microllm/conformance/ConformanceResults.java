package io.microllm.conformance;

import io.microllm.spi.DeviceInfo;

import java.util.List;

/**
 * Every case's result on one device.
 *
 * @param skippedReason why the whole device was not tested (absent driver, score 0), or null when it was
 */
public record ConformanceResults(DeviceInfo device, long seed, List<CaseResult> results, String skippedReason) {
    public ConformanceResults {
        results = List.copyOf(results);
    }

    /** A device that could not be tested, with the reason. */
    public static ConformanceResults skipped(DeviceInfo device, String reason) {
        return new ConformanceResults(device, 0, List.of(), reason);
    }

    /** {@code provider:id}. */
    public String backend() { return device.qualifiedId(); }

    public long count(Outcome outcome) { return results.stream().filter(r -> r.outcome() == outcome).count(); }

    public List<CaseResult> failures() { return results.stream().filter(r -> r.outcome() == Outcome.FAIL).toList(); }

    /** True when the device was tested and nothing failed (declined ops are allowed). */
    public boolean passed() { return skippedReason == null && failures().isEmpty(); }

    /** One line: "cpu:0: 310 cases, 300 passed, 0 failed, 10 unsupported, 0 skipped". */
    public String summary() {
        if (skippedReason != null) return backend() + ": SKIPPED, " + skippedReason;
        return backend() + ": " + results.size() + " cases, " + count(Outcome.PASS) + " passed, " + count(Outcome.FAIL)
                + " failed, " + count(Outcome.UNSUPPORTED) + " unsupported, " + count(Outcome.SKIPPED) + " skipped (seed " + seed + ")";
    }
}
