package io.microllm.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Discovers providers through {@link ServiceLoader}, ranks their devices by score and resolves
 * {@code --backend NAME[:DEVICE]} (or the system property {@code microllm.backend}).
 */
public final class Backends {

    /** A provider that was found, or one that could not be loaded and why. */
    public record Found(BackendProvider provider, String name, List<DeviceInfo> devices) {}

    private final List<Found> found;

    private Backends(List<Found> found) { this.found = List.copyOf(found); }

    /** Loads every provider on the class path or module path. Broken providers are kept, with the reason. */
    public static Backends discover() {
        return discover(ServiceLoader.load(BackendProvider.class));
    }

    static Backends discover(ServiceLoader<BackendProvider> loader) {
        List<Found> found = new ArrayList<>();
        var it = loader.iterator();
        while (true) {
            BackendProvider p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                found.add(new Found(null, "?", List.of(DeviceInfo.unusable("?", "provider failed to load: " + e.getMessage()))));
                continue;
            }
            found.add(describe(p));
        }
        return new Backends(found);
    }

    /** Wraps explicit providers (tests, embedding applications). */
    public static Backends of(List<BackendProvider> providers) {
        return new Backends(providers.stream().map(Backends::describe).toList());
    }

    private static Found describe(BackendProvider p) {
        String name = p.name();
        if (p.spiVersion() != BackendProvider.SPI_VERSION) {
            return new Found(null, name, List.of(DeviceInfo.unusable(name,
                    "built for SPI version " + p.spiVersion() + ", this runtime speaks " + BackendProvider.SPI_VERSION)));
        }
        try {
            List<DeviceInfo> devices = p.devices();
            if (devices.isEmpty()) devices = List.of(DeviceInfo.unusable(name, "provider reported no devices"));
            return new Found(p, name, devices);
        } catch (RuntimeException | LinkageError e) {
            return new Found(null, name, List.of(DeviceInfo.unusable(name, "device discovery failed: " + e)));
        }
    }

    public List<Found> providers() { return found; }

    /** Usable devices, best score first. */
    public List<DeviceInfo> ranked() {
        return found.stream().filter(f -> f.provider() != null)
                .flatMap(f -> f.devices().stream())
                .filter(DeviceInfo::usable)
                .sorted(Comparator.comparingInt(DeviceInfo::score).reversed())
                .toList();
    }

    /**
     * Resolves a choice: null or blank picks the best-ranked device, unless the system property
     * {@code microllm.backend} names one; "NAME" picks that provider's best device; "NAME:ID" one device.
     */
    public DeviceInfo choose(String requested) {
        String choice = requested == null || requested.isBlank() ? System.getProperty("microllm.backend", "") : requested;
        List<DeviceInfo> ranked = ranked();
        if (choice.isBlank()) {
            if (ranked.isEmpty()) throw new IllegalStateException("no usable backend found; run 'microllm devices' to see why");
            return ranked.getFirst();
        }
        String name = choice.contains(":") ? choice.substring(0, choice.indexOf(':')) : choice;
        String id = choice.contains(":") ? choice.substring(choice.indexOf(':') + 1) : null;
        Found f = found.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown backend '" + name + "'; known: " + found.stream().map(Found::name).toList()));
        List<DeviceInfo> candidates = f.devices().stream().filter(d -> id == null || d.id().equals(id)).toList();
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("backend '" + name + "' has no device '" + id + "'; devices: "
                    + f.devices().stream().map(DeviceInfo::id).toList());
        }
        return candidates.stream().filter(DeviceInfo::usable).max(Comparator.comparingInt(DeviceInfo::score))
                .orElseThrow(() -> new IllegalStateException("backend '" + choice + "' is unusable here: "
                        + candidates.getFirst().unusableReason()));
    }

    /** The provider that owns {@code device}. */
    public BackendProvider provider(DeviceInfo device) {
        return found.stream().filter(f -> f.provider() != null && f.name().equals(device.provider()))
                .map(Found::provider).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no loaded provider named " + device.provider()));
    }

    public Backend open(DeviceInfo device, BackendOptions options) {
        if (!device.usable()) throw new IllegalStateException(device.qualifiedId() + " is unusable: " + device.unusableReason());
        return provider(device).open(device, options);
    }
}
