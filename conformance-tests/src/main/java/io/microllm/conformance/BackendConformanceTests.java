package io.microllm.conformance;

import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The JUnit 5 adapter: a backend jar's test extends this and returns its provider; every case becomes a dynamic
 * test of each of its devices, and the support matrix goes to {@code target/conformance/<provider>.csv}.
 *
 * <pre>{@code
 * class MyBackendConformanceTest extends BackendConformanceTests {
 *     @Override protected BackendProvider provider() { return new MyBackendProvider(); }
 * }
 * }</pre>
 *
 * A declined op or an absent device shows as a skipped test with its reason printed. A provider named in the
 * system property {@value #REQUIRE_PROPERTY} (comma-separated, e.g. "cpu,opencl", for CI) must be found and have a
 * usable device, or the run fails.
 */
public abstract class BackendConformanceTests {
    public static final String REQUIRE_PROPERTY = "microllm.require";

    /** The provider under test. */
    protected abstract BackendProvider provider();

    protected BackendOptions options() { return BackendOptions.defaults(); }

    /** Where the support matrix CSV goes. */
    protected Path matrixDirectory() { return Path.of("target", "conformance"); }

    /** Adjusts the suite of each device (seed, filter, size); by default the system properties decide. */
    protected ConformanceSuite configure(ConformanceSuite suite) { return suite; }

    @TestFactory
    public Stream<DynamicNode> conformance() {
        // Only this provider is under test: other providers named in -Dmicrollm.require are the discovery run's business.
        return dynamicTests(Backends.of(List.of(provider())), options(), matrixDirectory(), this::configure, false);
    }

    /** The dynamic tests of every device {@code backends} found, for a test class of one's own. */
    public static Stream<DynamicNode> dynamicTests(Backends backends, BackendOptions options, Path matrixDirectory) {
        return dynamicTests(backends, options, matrixDirectory, UnaryOperator.identity());
    }

    /** Like {@link #dynamicTests(Backends, BackendOptions, Path)}, with each device's suite adjusted by {@code configure}. */
    public static Stream<DynamicNode> dynamicTests(Backends backends, BackendOptions options, Path matrixDirectory,
                                                   UnaryOperator<ConformanceSuite> configure) {
        return dynamicTests(backends, options, matrixDirectory, configure, true);
    }

    /** With {@code requireAll}, a provider named in {@value #REQUIRE_PROPERTY} that {@code backends} lacks fails. */
    private static Stream<DynamicNode> dynamicTests(Backends backends, BackendOptions options, Path matrixDirectory,
                                                    UnaryOperator<ConformanceSuite> configure, boolean requireAll) {
        Set<String> required = requiredProviders();
        List<DynamicNode> nodes = new ArrayList<>();
        for (Backends.Found found : backends.providers()) {
            boolean anyUsable = found.provider() != null && found.devices().stream().anyMatch(DeviceInfo::usable);
            for (DeviceInfo device : found.devices()) {
                if (found.provider() != null && device.usable()) {
                    Path csv = matrixDirectory.resolve(ConformanceReport.csvFileName(backends, device));
                    nodes.add(device(configure.apply(ConformanceSuite.forDevice(backends, device, options)), csv));
                } else {
                    String reason = found.provider() == null ? "provider failed to load: " + device.unusableReason() : device.unusableReason();
                    boolean fail = required.contains(found.name()) && !anyUsable;
                    nodes.add(DynamicTest.dynamicTest(device.qualifiedId() + " SKIPPED", () -> absent(device, reason, fail)));
                }
            }
        }
        Set<String> names = backends.providers().stream().map(Backends.Found::name).collect(Collectors.toSet());
        for (String name : required) {
            if (requireAll && !names.contains(name)) {
                nodes.add(DynamicTest.dynamicTest("required backend " + name, () -> Assertions.fail("required backend '" + name
                        + "' (-D" + REQUIRE_PROPERTY + ") was not found; found: " + names)));
            }
        }
        return nodes.stream();
    }

    /** The providers {@value #REQUIRE_PROPERTY} names. */
    static Set<String> requiredProviders() {
        String value = System.getProperty(REQUIRE_PROPERTY, "");
        return Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
    }

    private static void absent(DeviceInfo device, String reason, boolean required) {
        String message = device.qualifiedId() + ": " + reason;
        if (required) Assertions.fail("required backend is unusable: " + message + " (-D" + REQUIRE_PROPERTY + ")");
        System.out.println("*** SKIPPED " + message);
        Assumptions.abort("SKIPPED " + message);
    }

    private static DynamicContainer device(ConformanceSuite suite, Path csv) {
        DeviceInfo device = suite.device();
        List<ConformanceCase> cases = suite.cases();
        List<CaseResult> results = new ArrayList<>();
        Stream<DynamicNode> perCase = cases.stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> {
            if (results.isEmpty()) ConformanceListener.printing(System.out).suiteStarted(device, suite.seed(), cases.size());
            CaseResult r = suite.run(c);
            results.add(r);
            System.out.println(ConformanceListener.line(results.size() - 1, cases.size(), r));
            switch (r.outcome()) {
                case PASS -> {}
                case FAIL -> Assertions.fail(r.detail() + " (case seed " + r.seed() + ", suite seed " + suite.seed() + ")");
                case UNSUPPORTED, SKIPPED -> Assumptions.abort(r.outcome() + ": " + r.detail());
            }
        }));
        Stream<DynamicNode> matrix = Stream.of(DynamicTest.dynamicTest("support matrix " + csv, () -> {
            suite.close();
            ConformanceResults all = new ConformanceResults(device, suite.seed(), results, null);
            SupportMatrix m = SupportMatrix.of(all);
            m.write(csv);
            m.print(System.out);
            System.out.println("support matrix written to " + csv.toAbsolutePath());
        }));
        return DynamicContainer.dynamicContainer(device.qualifiedId() + " (" + device.name() + ")", Stream.concat(perCase, matrix));
    }
}
