package io.microllm.backend.opencl;

import io.microllm.spi.BackendOptions;
import io.microllm.spi.DeviceInfo;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds the OpenCL device the tests run on. Without one, tests are skipped with a loud message, unless
 * -Dmicrollm.require.opencl=true or -Dmicrollm.require lists "opencl" (CI), which turns the absence into a failure.
 */
final class OpenClTestSupport {
    private static DeviceInfo device;
    private static String missing;

    private OpenClTestSupport() {}

    static synchronized DeviceInfo device() {
        if (device == null && missing == null) {
            var devices = new OpenClBackendProvider().devices();
            device = devices.stream().filter(DeviceInfo::usable).findFirst().orElse(null);
            if (device == null) {
                missing = devices.getFirst().unusableReason();
                System.err.println("""

                        ************************************************************************
                        *  NO USABLE OPENCL DEVICE: OpenCL backend tests are SKIPPED.
                        *  Reason: %s
                        *  Install an OpenCL driver (e.g. apt-get install pocl-opencl-icd
                        *  ocl-icd-opencl-dev) and make POCL_CACHE_DIR writable.
                        ************************************************************************
                        """.formatted(missing));
            } else {
                System.out.println("OpenCL tests run on " + device.qualifiedId() + " " + device.name() + " score " + device.score());
            }
        }
        if (device == null) {
            if (required()) Assertions.fail("OpenCL is required here (microllm.require) but unusable: " + missing);
            Assumptions.abort("no usable OpenCL device: " + missing);
        }
        return device;
    }

    static boolean required() {
        if (Boolean.getBoolean("microllm.require.opencl")) return true;
        for (String s : System.getProperty("microllm.require", "").split(",")) {
            if (s.trim().equalsIgnoreCase("opencl")) return true;
        }
        return false;
    }

    /** Opens the test device with a program cache under target/ and extra options. */
    static OpenClBackend open(String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("opencl.cacheDir", cacheDir().toString());
        for (int i = 0; i < keyValues.length; i += 2) props.put(keyValues[i], keyValues[i + 1]);
        return (OpenClBackend) new OpenClBackendProvider().open(device(), new BackendOptions(0, props));
    }

    static Path cacheDir() { return Path.of("target", "opencl-cache"); }
}
