package io.microllm.spi;

import java.util.Set;

/**
 * One device a provider can open. {@code score} ranks devices across providers (higher is better);
 * 0 means unusable here, and {@code unusableReason} then says why ("no OpenCL platform", "TornadoVM not installed").
 *
 * @param provider   the provider's {@link BackendProvider#name()}
 * @param id         stable within the provider ("0", "pthread-cpu"), used in {@code --backend NAME:ID}
 * @param name       human-readable device name
 * @param memoryBytes device memory, or 0 when unknown
 */
public record DeviceInfo(String provider, String id, String name, DeviceKind kind, long memoryBytes,
                         Set<DeviceFeature> features, int score, String unusableReason) {
    public DeviceInfo {
        features = Set.copyOf(features);
        if (score < 0) throw new IllegalArgumentException("score must be >= 0");
        if (score == 0 && (unusableReason == null || unusableReason.isBlank())) {
            throw new IllegalArgumentException("a device with score 0 must say why it is unusable");
        }
    }

    /** A placeholder for a provider that found nothing usable, carrying the reason. */
    public static DeviceInfo unusable(String provider, String reason) {
        return new DeviceInfo(provider, "-", "(none)", DeviceKind.CPU, 0, Set.of(), 0, reason);
    }

    public boolean usable() { return score > 0; }

    /** {@code provider:id}, the form {@code --backend} accepts. */
    public String qualifiedId() { return provider + ":" + id; }
}
