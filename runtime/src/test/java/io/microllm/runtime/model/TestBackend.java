package io.microllm.runtime.model;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A backend the model tests run on: the best usable device of one provider that discovery finds on the test class
 * path, or the reason it has none. Every provider found is tested, and so is every name in {@code -Dmicrollm.require}
 * (CI sets MICROLLM_REQUIRE_BACKENDS=cpu,opencl): an absent backend is skipped loudly, or fails the test when required.
 *
 * @param name   the provider name ("cpu", "opencl")
 * @param device its best usable device, or null when it has none
 * @param absent why there is no usable device (null when there is one)
 */
record TestBackend(String name, DeviceInfo device, String absent) {
    private static final Backends DISCOVERED = Backends.discover();
    private static final List<TestBackend> ALL = discoverAll();

    /** Every backend to test, in discovery order; JUnit's {@code @MethodSource} for the per-backend tests. */
    static List<TestBackend> all() { return ALL; }

    private static List<TestBackend> discoverAll() {
        Set<String> names = new LinkedHashSet<>();
        DISCOVERED.providers().forEach(f -> names.add(f.name()));
        names.addAll(required());
        List<TestBackend> all = new ArrayList<>();
        for (String name : names) {
            var found = DISCOVERED.providers().stream().filter(f -> f.name().equals(name)).findFirst();
            DeviceInfo best = DISCOVERED.ranked().stream().filter(d -> d.provider().equals(name)).findFirst().orElse(null);
            String why = best != null ? null : found.isEmpty() ? "no provider named '" + name + "' on the test class path"
                    : String.join("; ", found.get().devices().stream()
                    .map(d -> d.id().equals("-") ? d.unusableReason() : d.id() + ": " + d.unusableReason()).toList());
            all.add(new TestBackend(name, best, why));
        }
        return List.copyOf(all);
    }

    private static Set<String> required() {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(System.getProperty("microllm.require", "").split(",")).map(String::strip)
                .filter(s -> !s.isEmpty()).forEach(names::add);
        return names;
    }

    boolean isRequired() { return required().contains(name); }

    /** Fails when this backend is required but absent; skips the calling test, saying why, when it is merely absent. */
    void requireUsable() {
        if (device != null) return;
        if (isRequired()) Assertions.fail("backend '" + name + "' is required (-Dmicrollm.require) but unusable here: " + absent);
        System.err.println("*** SKIPPED on backend '" + name + "': " + absent);
        Assumptions.abort("backend '" + name + "' is unusable here: " + absent);
    }

    Backend open() { return DISCOVERED.open(device, BackendOptions.defaults()); }

    /**
     * Loads a model on this backend alone, in strict mode, so a result is this backend's own. A backend that declines
     * some op here (a driver deny-list, say) runs it on the scalar reference instead; the callers then report the
     * fallbacks through {@link Model#placement()}, and this says so on stderr.
     */
    Model load(Path file, ModelOptions options) {
        requireUsable();
        try {
            try {
                return Model.load(file, options.withStrict(true), List.<Supplier<Backend>>of(this::open));
            } catch (IllegalStateException e) {
                if (e.getMessage() == null || !e.getMessage().startsWith("strict mode")) throw e;
                System.err.println("*** " + device.qualifiedId() + " cannot run " + file.getFileName() + " by itself ("
                        + e.getMessage() + "); the declined ops fall back to the scalar reference");
                return Model.load(file, options, List.of(this::open, ReferenceBackend::new));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Model load(String preset, String type, ModelOptions options) { return load(ReferenceData.model(preset, type), options); }

    @Override
    public String toString() { return name; }
}
