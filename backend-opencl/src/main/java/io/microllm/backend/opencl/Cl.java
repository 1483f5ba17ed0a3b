package io.microllm.backend.opencl;

import org.jocl.CL;
import org.jocl.NativePointerObject;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_platform_id;
import org.jocl.cl_program;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Checked access to JOCL: every failing call becomes an {@link OpenClException} naming the call, and every OpenCL
 * object this module creates is counted until released, so tests can prove that close() leaks nothing.
 */
final class Cl {
    private static final AtomicInteger LIVE_OBJECTS = new AtomicInteger();

    private Cl() {}

    static void check(String call, int code) {
        if (code != CL.CL_SUCCESS) throw new OpenClException(call, code);
    }

    /** OpenCL contexts, queues, programs, kernels and buffers created here and not yet released. */
    static int liveObjects() { return LIVE_OBJECTS.get(); }

    /** Checks the error code of a create call and counts the new object. */
    static <T extends NativePointerObject> T created(String call, T object, int[] err) {
        check(call, err[0]);
        LIVE_OBJECTS.incrementAndGet();
        return object;
    }

    /** Releases an object created through {@link #created}; errors are returned, not thrown, so close() can go on. */
    static int release(NativePointerObject object) {
        if (object == null) return CL.CL_SUCCESS;
        int code = switch (object) {
            case cl_mem m -> CL.clReleaseMemObject(m);
            case cl_kernel k -> CL.clReleaseKernel(k);
            case cl_program p -> CL.clReleaseProgram(p);
            case cl_command_queue q -> CL.clReleaseCommandQueue(q);
            case cl_context c -> CL.clReleaseContext(c);
            default -> throw new IllegalArgumentException("not a releasable OpenCL object: " + object);
        };
        LIVE_OBJECTS.decrementAndGet();
        return code;
    }

    static String platformString(cl_platform_id p, int param) {
        long[] size = new long[1];
        check("clGetPlatformInfo(" + param + ")", CL.clGetPlatformInfo(p, param, 0, null, size));
        byte[] buf = new byte[(int) size[0]];
        check("clGetPlatformInfo(" + param + ")", CL.clGetPlatformInfo(p, param, buf.length, Pointer.to(buf), null));
        return cString(buf);
    }

    static String deviceString(cl_device_id d, int param) {
        long[] size = new long[1];
        check("clGetDeviceInfo(" + param + ")", CL.clGetDeviceInfo(d, param, 0, null, size));
        byte[] buf = new byte[(int) size[0]];
        check("clGetDeviceInfo(" + param + ")", CL.clGetDeviceInfo(d, param, buf.length, Pointer.to(buf), null));
        return cString(buf);
    }

    /** A cl_ulong or cl_bitfield property. */
    static long deviceLong(cl_device_id d, int param) {
        long[] v = new long[1];
        check("clGetDeviceInfo(" + param + ")", CL.clGetDeviceInfo(d, param, Sizeof.cl_ulong, Pointer.to(v), null));
        return v[0];
    }

    /** A size_t property. */
    static long deviceSize(cl_device_id d, int param) {
        long[] v = new long[1];
        check("clGetDeviceInfo(" + param + ")", CL.clGetDeviceInfo(d, param, Sizeof.size_t, Pointer.to(v), null));
        return v[0];
    }

    /** A cl_uint or cl_bool property. */
    static int deviceInt(cl_device_id d, int param) {
        int[] v = new int[1];
        check("clGetDeviceInfo(" + param + ")", CL.clGetDeviceInfo(d, param, Sizeof.cl_uint, Pointer.to(v), null));
        return v[0];
    }

    private static String cString(byte[] buf) {
        int n = 0;
        while (n < buf.length && buf[n] != 0) n++;
        return new String(buf, 0, n, StandardCharsets.UTF_8).trim();
    }
}
