package io.microllm.backend.tornado;

import io.microllm.spi.Backend;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import uk.ac.manchester.tornado.api.TornadoRuntime;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.runtime.TornadoRuntimeProvider;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Device discovery through TornadoVM's runtime; ids are "backend.device", TornadoVM's indices (its "0:0"). */
final class TornadoDevices {
    private TornadoDevices() {}

    /** A GPU beats the CPU backend; a CPU seen through OpenCL (PoCL) does not, the CPU backend is faster there. */
    static final int GPU_SCORE = 150;
    static final int ACCELERATOR_SCORE = 120;
    static final int CPU_SCORE = 10;
    /** Local memory of the largest work-group: the attention kernel's query, accumulator and two chunk arrays. */
    private static final long LOCAL_BYTES_NEEDED = 4L * (2 * AttentionKernel.HEAD_DIM_MAX + 2 * DevicePlan.LOCAL);

    static List<DeviceInfo> list() {
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        List<DeviceInfo> devices = new ArrayList<>();
        for (int b = 0; b < runtime.getNumBackends(); b++) {
            var backend = runtime.getBackend(b);
            for (int d = 0; d < backend.getNumDevices(); d++) {
                devices.add(describe(b + "." + d, backend.getDevice(d)));
            }
        }
        if (devices.isEmpty()) {
            devices.add(DeviceInfo.unusable(TornadoBackendProvider.NAME, "TornadoVM found no device (no OpenCL, CUDA or Level Zero driver?)"));
        }
        return devices;
    }

    static Backend open(DeviceInfo info) {
        String[] indices = info.id().split("\\.");
        if (indices.length != 2 || !indices[0].matches("\\d+") || !indices[1].matches("\\d+")) {
            throw new IllegalArgumentException("TornadoVM device ids look like 0.0 (backend.device), got '" + info.id() + "'");
        }
        TornadoRuntime runtime = TornadoRuntimeProvider.getTornadoRuntime();
        int backend = Integer.parseInt(indices[0]);
        int device = Integer.parseInt(indices[1]);
        if (backend >= runtime.getNumBackends() || device >= runtime.getBackend(backend).getNumDevices()) {
            throw new IllegalArgumentException("TornadoVM has no device " + info.id() + "; see 'microllm devices'");
        }
        return new TornadoBackend(info, runtime.getBackend(backend).getDevice(device));
    }

    private static DeviceInfo describe(String id, TornadoDevice device) {
        String name = device.getPhysicalDevice().getDeviceName().strip() + " (TornadoVM " + device.getTornadoVMBackend() + ")";
        DeviceKind kind = switch (device.getDeviceType()) {
            case GPU -> DeviceKind.GPU;
            case CPU -> DeviceKind.CPU;
            default -> DeviceKind.ACCELERATOR;
        };
        int score = switch (kind) {
            case GPU -> GPU_SCORE;
            case ACCELERATOR -> ACCELERATOR_SCORE;
            case CPU -> CPU_SCORE;
        };
        String unusable = null;
        long maxGroup = device.getPhysicalDevice().getDeviceMaxWorkGroupSize()[0];
        if (maxGroup < DevicePlan.LOCAL) {
            unusable = "work-groups hold at most " + maxGroup + " threads; the kernels use " + DevicePlan.LOCAL;
        } else if (device.getDeviceLocalMemorySize() < LOCAL_BYTES_NEEDED) {
            unusable = device.getDeviceLocalMemorySize() + " bytes of local memory; the kernels need " + LOCAL_BYTES_NEEDED;
        }
        return new DeviceInfo(TornadoBackendProvider.NAME, id, name, kind, device.getMaxGlobalMemory(), Set.of(),
                unusable == null ? score : 0, unusable);
    }
}
