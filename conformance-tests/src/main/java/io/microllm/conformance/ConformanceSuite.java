package io.microllm.conformance;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The conformance suite for one device, modelled on ggml's test-backend-ops: every op × type × shape case runs on
 * the device and on the scalar {@link ReferenceBackend} with the same input bytes and must agree within its
 * {@link OpClass} bound.
 *
 * <pre>{@code
 * try (var suite = ConformanceSuite.forDevice(provider, device, BackendOptions.defaults())) {
 *     ConformanceResults results = suite.run(ConformanceListener.printing(System.out));
 *     SupportMatrix.of(results).write(Path.of("target/conformance/mine.csv"));
 * }
 * }</pre>
 *
 * The SPI cannot free single tensors, so {@link #forDevice} opens a fresh backend for each op (and for each
 * vocabulary-sized case) and closes it afterwards; {@link #forBackend} uses the caller's backend throughout, and
 * everything the cases allocate stays allocated until the caller closes it.
 *
 * <p>Defaults come from system properties: {@value #SEED_PROPERTY} (else {@value #DEFAULT_SEED}),
 * {@value #FILTER_PROPERTY} (a regex found in case ids) and {@value #SIZE_PROPERTY} (SMALL, MODEL or LARGE).
 */
public final class ConformanceSuite implements AutoCloseable {
    public static final String SEED_PROPERTY = "microllm.conformance.seed";
    public static final String FILTER_PROPERTY = "microllm.conformance.filter";
    public static final String SIZE_PROPERTY = "microllm.conformance.size";
    public static final long DEFAULT_SEED = 20250611L;

    private final DeviceInfo device;
    private final Supplier<Backend> opener;
    private final CaseRunner runner = new CaseRunner(ReferenceBackend::new);
    private Backend current;
    private String currentGroup;
    private long seed = seedProperty();
    private Pattern filter;
    private ConformanceCase.Size largest = sizeProperty();

    private ConformanceSuite(DeviceInfo device, Backend shared, Supplier<Backend> opener) {
        this.device = device;
        this.current = shared;
        this.opener = opener;
        filter(System.getProperty(FILTER_PROPERTY));
    }

    /** Tests {@code backend}, which the caller owns and closes; all cases allocate on it. */
    public static ConformanceSuite forBackend(Backend backend) {
        return new ConformanceSuite(Objects.requireNonNull(backend, "backend").device(), backend, null);
    }

    /** Tests a device of {@code provider}, opening a fresh backend per op; {@link #close()} closes the last. */
    public static ConformanceSuite forDevice(BackendProvider provider, DeviceInfo device, BackendOptions options) {
        if (!device.usable()) throw new IllegalArgumentException(device.qualifiedId() + " is unusable: " + device.unusableReason());
        return new ConformanceSuite(device, null, () -> provider.open(device, options));
    }

    /** Tests a device found by {@link Backends}. */
    public static ConformanceSuite forDevice(Backends backends, DeviceInfo device, BackendOptions options) {
        return forDevice(backends.provider(device), device, options);
    }

    /** Seeds every case's inputs; the same seed gives the same bytes. */
    public ConformanceSuite seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Runs only the cases whose id contains a match of {@code regex}; null or blank runs all. */
    public ConformanceSuite filter(String regex) {
        this.filter = regex == null || regex.isBlank() ? null : Pattern.compile(regex);
        return this;
    }

    /** Runs only cases up to this size: {@code SMALL} is a quick run of odd shapes. */
    public ConformanceSuite upTo(ConformanceCase.Size size) {
        this.largest = Objects.requireNonNull(size);
        return this;
    }

    public long seed() { return seed; }

    public DeviceInfo device() { return device; }

    /** The cases this suite runs, in order. */
    public List<ConformanceCase> cases() {
        return Catalog.all().stream()
                .filter(c -> c.size().compareTo(largest) <= 0)
                .filter(c -> filter == null || filter.matcher(c.id()).find())
                .toList();
    }

    /** Runs one case. */
    public CaseResult run(ConformanceCase c) {
        long caseSeed = HostData.caseSeed(seed, c.id());
        Backend backend;
        try {
            backend = backendFor(c);
        } catch (RuntimeException e) {
            return CaseResult.of(c, Outcome.FAIL, Double.NaN, caseSeed, "could not open the backend: " + CaseRunner.describe(e), 0);
        }
        return runner.run(c, backend, device, caseSeed);
    }

    /** Runs every case, telling {@code listener} as it goes, and closes the backend it opened. */
    public ConformanceResults run(ConformanceListener listener) {
        List<ConformanceCase> cases = cases();
        listener.suiteStarted(device, seed, cases.size());
        List<CaseResult> results = new ArrayList<>();
        try {
            for (int i = 0; i < cases.size(); i++) {
                CaseResult r = run(cases.get(i));
                results.add(r);
                listener.caseFinished(i, cases.size(), r);
            }
        } finally {
            close();
        }
        ConformanceResults all = new ConformanceResults(device, seed, results, null);
        listener.suiteFinished(all);
        return all;
    }

    public ConformanceResults run() { return run(ConformanceListener.NONE); }

    /** Closes the backend this suite opened; a caller's backend stays open. */
    @Override
    public void close() {
        if (opener != null && current != null) {
            Backend b = current;
            current = null;
            currentGroup = null;
            b.close();
        }
    }

    /** {@value #SEED_PROPERTY}, or {@value #DEFAULT_SEED} when unset. */
    static long seedProperty() {
        String value = System.getProperty(SEED_PROPERTY, "").strip();
        if (value.isEmpty()) return DEFAULT_SEED;
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(SEED_PROPERTY + " must be an integer, got '" + value + "'");
        }
    }

    /** {@value #SIZE_PROPERTY}, or LARGE (everything) when unset. */
    static ConformanceCase.Size sizeProperty() {
        String value = System.getProperty(SIZE_PROPERTY, "").strip();
        if (value.isEmpty()) return ConformanceCase.Size.LARGE;
        try {
            return ConformanceCase.Size.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(SIZE_PROPERTY + " must be one of " + Arrays.toString(ConformanceCase.Size.values())
                    + ", got '" + value + "'");
        }
    }

    /** Cases of one op share a backend; a vocabulary-sized case gets its own, so its memory is freed right after. */
    private Backend backendFor(ConformanceCase c) {
        if (opener == null) return current;
        String group = c.size() == ConformanceCase.Size.LARGE ? c.id() : c.op();
        if (current != null && group.equals(currentGroup)) return current;
        close();
        current = opener.get();
        currentGroup = group;
        return current;
    }
}
