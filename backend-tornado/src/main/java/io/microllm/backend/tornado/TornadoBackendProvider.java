package io.microllm.backend.tornado;

import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.DeviceInfo;

import java.util.List;

/**
 * The "tornado" provider: the devices TornadoVM drives (OpenCL, PTX, SPIR-V). This class does not touch TornadoVM
 * types, so it loads, and reports why its device is unusable, on a JVM without TornadoVM; everything that needs
 * TornadoVM is in {@link TornadoDevices}.
 */
public final class TornadoBackendProvider implements BackendProvider {

    static final String NAME = "tornado";

    @Override
    public String name() { return NAME; }

    @Override
    public List<DeviceInfo> devices() {
        String missing = TornadoPresence.problem();
        if (missing != null) return List.of(DeviceInfo.unusable(NAME, missing));
        try {
            return TornadoDevices.list();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) throw fatal;
            // TornadoVM reports internal failures as errors (TornadoInternalError); devices() must not throw.
            return List.of(DeviceInfo.unusable(NAME, "TornadoVM failed to start: " + e));
        }
    }

    @Override
    public Backend open(DeviceInfo device, BackendOptions options) {
        if (!NAME.equals(device.provider())) {
            throw new IllegalArgumentException("the tornado provider cannot open " + device.qualifiedId());
        }
        if (!device.usable()) {
            throw new IllegalStateException(device.qualifiedId() + " is unusable: " + device.unusableReason());
        }
        return TornadoDevices.open(device);
    }
}
