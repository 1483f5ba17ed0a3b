package io.microllm.backend.cpu;

import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.DeviceFeature;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;

import java.util.List;
import java.util.Set;

/**
 * The "cpu" provider: one device, the host CPU. Construction and {@link #devices()} only read {@code /proc}; the
 * worker threads start in {@link #open}.
 */
public final class CpuBackendProvider implements BackendProvider {

    /** Below GPU backends, which score higher when they are usable. */
    static final int SCORE = 100;

    @Override
    public String name() { return "cpu"; }

    @Override
    public List<DeviceInfo> devices() {
        return List.of(device(HostProbe.probe()));
    }

    static DeviceInfo device(HostProbe host) {
        String name = host.modelName() + " (" + host.physicalCores() + (host.physicalCores() == 1 ? " core)" : " cores)");
        return new DeviceInfo("cpu", "0", name, DeviceKind.CPU, host.memoryBytes(),
                Set.of(DeviceFeature.UNIFIED_MEMORY), SCORE, null);
    }

    @Override
    public Backend open(DeviceInfo device, BackendOptions options) {
        if (!device.provider().equals("cpu") || !device.id().equals("0")) {
            throw new IllegalArgumentException("the cpu provider has only device cpu:0, got " + device.qualifiedId());
        }
        HostProbe host = HostProbe.probe();
        int threads = options.threads() == 0 ? host.physicalCores() : options.threads();
        return new CpuBackend(device, threads, KernelSelector.select(options));
    }
}
