package io.microllm.conformance;

import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@code microllm conformance [--backend NAME[:ID]]}: runs the suite on one device or on every device found,
 * prints a line per case and the support matrix, and returns the process exit status.
 */
public final class ConformanceReport {
    /** Every tested device passed (declined ops allowed). */
    public static final int PASSED = 0;
    /** At least one case failed. */
    public static final int FAILED = 1;
    /** Nothing could be tested: unknown or unusable backend, or no usable device at all. */
    public static final int NOT_RUN = 2;

    private ConformanceReport() {}

    /**
     * @param seed           input seed (printed; the same seed reproduces a run)
     * @param filter         regex found in case ids, or null for all
     * @param upTo           largest case size to run; {@code SMALL} is a quick check
     * @param csvDirectory   where {@code <provider>.csv} goes, or null for none
     * @param backendOptions passed to {@code BackendProvider.open}
     */
    public record Options(long seed, String filter, ConformanceCase.Size upTo, Path csvDirectory, BackendOptions backendOptions) {
        public Options {
            Objects.requireNonNull(upTo, "upTo");
            Objects.requireNonNull(backendOptions, "backendOptions");
        }

        /** The seed, filter and size from the suite's system properties, no CSV, default backend options. */
        public static Options defaults() {
            return new Options(ConformanceSuite.seedProperty(), System.getProperty(ConformanceSuite.FILTER_PROPERTY),
                    ConformanceSuite.sizeProperty(), null, BackendOptions.defaults());
        }

        public Options withSeed(long seed) { return new Options(seed, filter, upTo, csvDirectory, backendOptions); }

        public Options withFilter(String filter) { return new Options(seed, filter, upTo, csvDirectory, backendOptions); }

        public Options withUpTo(ConformanceCase.Size upTo) { return new Options(seed, filter, upTo, csvDirectory, backendOptions); }

        public Options withCsvDirectory(Path dir) { return new Options(seed, filter, upTo, dir, backendOptions); }

        public Options withBackendOptions(BackendOptions o) { return new Options(seed, filter, upTo, csvDirectory, o); }
    }

    /** Runs with {@link Options#defaults()}. */
    public static int run(Backends backends, String choice, PrintStream out) {
        return run(backends, choice, Options.defaults(), out);
    }

    /**
     * Tests the device {@code choice} names ("NAME" or "NAME:ID", as {@code --backend} takes), or every device found
     * when it is null or blank; unusable devices are reported SKIPPED with their reason.
     */
    public static int run(Backends backends, String choice, Options options, PrintStream out) {
        List<DeviceInfo> targets;
        if (choice == null || choice.isBlank()) {
            targets = backends.providers().stream().flatMap(f -> f.devices().stream()).toList();
        } else {
            try {
                targets = List.of(backends.choose(choice));
            } catch (IllegalArgumentException | IllegalStateException e) {
                out.println("conformance: " + e.getMessage());
                return NOT_RUN;
            }
        }
        List<ConformanceResults> all = new ArrayList<>();
        for (DeviceInfo device : targets) {
            ConformanceResults results = device.usable() && hasProvider(backends, device)
                    ? test(backends, device, options, out)
                    : ConformanceResults.skipped(device, device.usable() ? "its provider failed to load" : device.unusableReason());
            if (results.skippedReason() != null) out.println("SKIPPED " + results.backend() + ": " + results.skippedReason());
            all.add(results);
            if (options.csvDirectory() != null) {
                Path csv = options.csvDirectory().resolve(csvFileName(backends, device));
                try {
                    SupportMatrix.of(results).write(csv);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + csv, e);
                }
                out.println("support matrix written to " + csv);
            }
        }
        out.println();
        SupportMatrix.of(all).print(out);
        if (all.stream().allMatch(r -> r.skippedReason() != null)) return NOT_RUN;
        return all.stream().allMatch(r -> r.skippedReason() != null || r.passed()) ? PASSED : FAILED;
    }

    private static ConformanceResults test(Backends backends, DeviceInfo device, Options options, PrintStream out) {
        try (ConformanceSuite suite = ConformanceSuite.forDevice(backends, device, options.backendOptions())) {
            suite.seed(options.seed()).filter(options.filter()).upTo(options.upTo());
            return suite.run(ConformanceListener.printing(out));
        }
    }

    private static boolean hasProvider(Backends backends, DeviceInfo device) {
        return backends.providers().stream().anyMatch(f -> f.provider() != null && f.name().equals(device.provider()));
    }

    /** {@code <provider>.csv}, or {@code <provider>-<id>.csv} when the provider has several devices. */
    public static String csvFileName(Backends backends, DeviceInfo device) {
        long siblings = backends.providers().stream().filter(f -> f.name().equals(device.provider()))
                .mapToLong(f -> f.devices().size()).sum();
        String name = siblings > 1 ? device.provider() + "-" + device.id() : device.provider();
        return name.replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
    }
}
