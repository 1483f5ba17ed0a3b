package io.microllm.backend.opencl;

import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.DeviceInfo;

import java.util.List;
import java.util.function.Supplier;

/**
 * The "opencl" backend: every device of every OpenCL platform. Discovery runs once, on the first {@link #devices()}
 * call; when JOCL, the ICD loader, a platform or a device is missing, it reports one device with score 0 and the
 * reason instead of throwing.
 */
public final class OpenClBackendProvider implements BackendProvider {
    private final Supplier<OpenClDiscovery.Result> discovery;
    private OpenClDiscovery.Result result;

    public OpenClBackendProvider() { this(OpenClBackendProvider::discoverSafely); }

    /** Test seam: a provider over a given discovery outcome. */
    OpenClBackendProvider(Supplier<OpenClDiscovery.Result> discovery) { this.discovery = discovery; }

    /** Also catches JOCL classes missing from the class path, which surface as soon as OpenClDiscovery loads. */
    private static OpenClDiscovery.Result discoverSafely() {
        try {
            return OpenClDiscovery.discover();
        } catch (LinkageError e) {
            return new OpenClDiscovery.Result(List.of(), List.of(DeviceInfo.unusable(ClDevice.PROVIDER,
                    "JOCL (org.jocl:jocl) is not on the class path: " + e)));
        }
    }

    @Override
    public String name() { return ClDevice.PROVIDER; }

    @Override
    public synchronized List<DeviceInfo> devices() { return discovered().infos(); }

    private synchronized OpenClDiscovery.Result discovered() {
        if (result == null) result = discovery.get();
        return result;
    }

    @Override
    public Backend open(DeviceInfo device, BackendOptions options) {
        if (!device.provider().equals(name())) {
            throw new IllegalArgumentException("device " + device.qualifiedId() + " belongs to provider " + device.provider());
        }
        ClDevice d = discovered().find(device.id());
        if (d == null) throw new IllegalArgumentException("no OpenCL device " + device.id() + "; devices: " + devices());
        String why = d.unusableReason();
        if (why != null) throw new IllegalStateException("OpenCL device " + device.id() + " (" + d.name() + ") is unusable: " + why);
        return new OpenClBackend(d, options, OpGate.builtInDenyList());
    }
}
