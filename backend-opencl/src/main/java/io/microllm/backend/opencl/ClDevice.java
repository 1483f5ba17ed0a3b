package io.microllm.backend.opencl;

import io.microllm.spi.DeviceFeature;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import org.jocl.cl_device_id;
import org.jocl.cl_platform_id;

import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What discovery learned about one OpenCL device, and its score.
 *
 * @param id              "platform.device" indices, stable while the installed drivers stay the same
 * @param openClC         OpenCL C version as major * 10 + minor (12 = 1.2), 0 when unknown
 * @param deviceVersion   OpenCL version of the device as major * 10 + minor
 * @param unifiedMemory   the device reads host memory directly (CPU devices, integrated GPUs)
 */
record ClDevice(String id, cl_platform_id platform, cl_device_id device, String name, String vendor, String platformName,
                String driverVersion, String deviceVersionString, DeviceKind kind, int openClC, int deviceVersion,
                long globalMemory, long maxAllocation, long maxWorkGroupSize, int computeUnits, boolean fp16,
                boolean fp64, boolean unifiedMemory, boolean available, boolean compilerAvailable) {

    static final String PROVIDER = "opencl";

    /** The lowest OpenCL C version the kernels are written for. */
    static final int MIN_OPENCL_C = 12;

    private static final Pattern VERSION = Pattern.compile("OpenCL (?:C )?(\\d+)\\.(\\d+)");

    /** "OpenCL C 1.2 PoCL" → 12; 0 when the string has no version. */
    static int parseVersion(String s) {
        Matcher m = VERSION.matcher(s);
        return m.find() ? Integer.parseInt(m.group(1)) * 10 + Integer.parseInt(m.group(2)) : 0;
    }

    /** Why this device cannot run microllm's kernels, or null when it can. */
    String unusableReason() {
        if (!available) return "the driver reports the device as unavailable";
        if (!compilerAvailable) return "the driver has no OpenCL C compiler";
        if (openClC < MIN_OPENCL_C) return "OpenCL C " + openClC / 10 + "." + openClC % 10 + "; microllm needs 1.2 or later";
        if (maxWorkGroupSize < OpenClBackend.GPU_WORK_GROUP && kind != DeviceKind.CPU) {
            return "work-groups of at most " + maxWorkGroupSize + " items; the GPU kernels need " + OpenClBackend.GPU_WORK_GROUP;
        }
        if (maxWorkGroupSize < OpenClBackend.CPU_LOCAL_SIZE) return "work-groups of at most " + maxWorkGroupSize + " items";
        return null;
    }

    /**
     * Ranks devices across backends (the CPU backend scores 100). CPUs stay below it: PoCL runs the same cores as the
     * CPU backend. GPUs start above it; discrete memory, newer OpenCL, fp16 and more memory raise the score.
     */
    int score() {
        if (unusableReason() != null) return 0;
        double gib = globalMemory / (double) (1L << 30);
        int score = switch (kind) {
            case CPU -> 40 + (int) Math.min(5, computeUnits / 4.0) + (int) Math.min(5, gib / 8);
            case GPU -> (unifiedMemory ? 120 : 150) + (int) Math.min(40, gib * 4);
            case ACCELERATOR -> 110 + (int) Math.min(40, gib * 4);
        };
        if (deviceVersion >= 20) score += 5;
        if (fp16) score += 5;
        return score;
    }

    Set<DeviceFeature> features() {
        Set<DeviceFeature> f = EnumSet.noneOf(DeviceFeature.class);
        if (fp16) f.add(DeviceFeature.FP16);
        if (fp64) f.add(DeviceFeature.FP64);
        if (unifiedMemory) f.add(DeviceFeature.UNIFIED_MEMORY);
        return f;
    }

    DeviceInfo info() {
        int score = score();
        return new DeviceInfo(PROVIDER, id, name + " (" + platformName + ", driver " + driverVersion + ")", kind,
                globalMemory, features(), score, score == 0 ? unusableReason() : null);
    }
}
