package io.microllm.backend.opencl;

import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import org.jocl.CL;
import org.jocl.CLException;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.ArrayList;
import java.util.List;

/**
 * Enumerates every platform and device. Never throws: a missing JOCL native library, a missing ICD loader, no
 * platform or no device becomes one unusable entry with the reason, as {@code BackendProvider.devices()} requires.
 */
final class OpenClDiscovery {

    /** Usable and unusable devices, or no devices and the reason in {@code infos}. */
    record Result(List<ClDevice> devices, List<DeviceInfo> infos) {
        ClDevice find(String id) {
            return devices.stream().filter(d -> d.id().equals(id)).findFirst().orElse(null);
        }
    }

    private OpenClDiscovery() {}

    static Result discover() {
        try {
            CL.setExceptionsEnabled(false);
            return enumerate();
        } catch (CLException e) {
            return failed(explain(e.getStatus(), e.getMessage()));
        } catch (OpenClException e) {
            return failed(explain(e.code(), e.getMessage()));
        } catch (UnsatisfiedLinkError e) {
            return failed("the OpenCL library could not be loaded (install an OpenCL ICD loader such as "
                    + "ocl-icd-libopencl1 plus a driver, e.g. pocl-opencl-icd): " + e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            return failed("OpenCL discovery failed: " + e);
        }
    }

    static Result failed(String reason) {
        return new Result(List.of(), List.of(DeviceInfo.unusable(ClDevice.PROVIDER, reason)));
    }

    private static String explain(int code, String message) {
        if (code == CL.CL_PLATFORM_NOT_FOUND_KHR) {
            return "no OpenCL platform: no ICD is installed or none loads (see /etc/OpenCL/vendors and OCL_ICD_VENDORS)";
        }
        return "OpenCL discovery failed: " + message;
    }

    private static Result enumerate() {
        int[] count = new int[1];
        int code = CL.clGetPlatformIDs(0, null, count);
        if (code == CL.CL_PLATFORM_NOT_FOUND_KHR || (code == CL.CL_SUCCESS && count[0] == 0)) {
            return failed(explain(CL.CL_PLATFORM_NOT_FOUND_KHR, ""));
        }
        Cl.check("clGetPlatformIDs", code);
        cl_platform_id[] platforms = new cl_platform_id[count[0]];
        Cl.check("clGetPlatformIDs", CL.clGetPlatformIDs(platforms.length, platforms, null));

        List<ClDevice> devices = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        for (int p = 0; p < platforms.length; p++) {
            String platformName = Cl.platformString(platforms[p], CL.CL_PLATFORM_NAME);
            int[] n = new int[1];
            code = CL.clGetDeviceIDs(platforms[p], CL.CL_DEVICE_TYPE_ALL, 0, null, n);
            if (code == CL.CL_DEVICE_NOT_FOUND || n[0] == 0) {
                empty.add(platformName);
                continue;
            }
            Cl.check("clGetDeviceIDs(" + platformName + ")", code);
            cl_device_id[] ids = new cl_device_id[n[0]];
            Cl.check("clGetDeviceIDs(" + platformName + ")", CL.clGetDeviceIDs(platforms[p], CL.CL_DEVICE_TYPE_ALL, ids.length, ids, null));
            for (int d = 0; d < ids.length; d++) devices.add(describe(p + "." + d, platforms[p], platformName, ids[d]));
        }
        if (devices.isEmpty()) {
            String reason = "OpenCL platform(s) " + empty + " expose no device";
            if (empty.stream().anyMatch(s -> s.contains("Portable Computing Language"))) {
                reason += " (PoCL shows none when its kernel cache directory is not writable: set POCL_CACHE_DIR)";
            }
            return failed(reason);
        }
        return new Result(List.copyOf(devices), devices.stream().map(ClDevice::info).toList());
    }

    private static ClDevice describe(String id, cl_platform_id platform, String platformName, cl_device_id d) {
        long type = Cl.deviceLong(d, CL.CL_DEVICE_TYPE);
        DeviceKind kind = (type & CL.CL_DEVICE_TYPE_GPU) != 0 ? DeviceKind.GPU
                : (type & CL.CL_DEVICE_TYPE_CPU) != 0 ? DeviceKind.CPU : DeviceKind.ACCELERATOR;
        String extensions = Cl.deviceString(d, CL.CL_DEVICE_EXTENSIONS);
        String deviceVersion = Cl.deviceString(d, CL.CL_DEVICE_VERSION);
        return new ClDevice(id, platform, d,
                Cl.deviceString(d, CL.CL_DEVICE_NAME),
                Cl.deviceString(d, CL.CL_DEVICE_VENDOR),
                platformName,
                Cl.deviceString(d, CL.CL_DRIVER_VERSION),
                deviceVersion,
                kind,
                ClDevice.parseVersion(openClC(d)),
                ClDevice.parseVersion(deviceVersion),
                Cl.deviceLong(d, CL.CL_DEVICE_GLOBAL_MEM_SIZE),
                Cl.deviceLong(d, CL.CL_DEVICE_MAX_MEM_ALLOC_SIZE),
                Cl.deviceSize(d, CL.CL_DEVICE_MAX_WORK_GROUP_SIZE),
                Cl.deviceInt(d, CL.CL_DEVICE_MAX_COMPUTE_UNITS),
                extensions.contains("cl_khr_fp16"),
                extensions.contains("cl_khr_fp64"),
                kind == DeviceKind.CPU || hostUnified(d),
                Cl.deviceInt(d, CL.CL_DEVICE_AVAILABLE) != 0,
                Cl.deviceInt(d, CL.CL_DEVICE_COMPILER_AVAILABLE) != 0);
    }

    /** OpenCL 1.0 devices lack CL_DEVICE_OPENCL_C_VERSION: treat them as too old. */
    private static String openClC(cl_device_id d) {
        try {
            return Cl.deviceString(d, CL.CL_DEVICE_OPENCL_C_VERSION);
        } catch (OpenClException e) {
            return "";
        }
    }

    /** CL_DEVICE_HOST_UNIFIED_MEMORY is deprecated since OpenCL 2.0 and may be refused: then assume discrete memory. */
    private static boolean hostUnified(cl_device_id d) {
        try {
            return Cl.deviceInt(d, CL.CL_DEVICE_HOST_UNIFIED_MEMORY) != 0;
        } catch (OpenClException e) {
            return false;
        }
    }
}
