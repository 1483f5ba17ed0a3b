package io.microllm.backend.opencl;

import org.jocl.CL;

/** An OpenCL call failed: names the call and the error code, e.g. "clEnqueueNDRangeKernel(matvec_rows): CL_OUT_OF_RESOURCES (-5)". */
public final class OpenClException extends RuntimeException {
    private final String call;
    private final int code;

    OpenClException(String call, int code) {
        super(call + " failed: " + errorName(code) + " (" + code + ")");
        this.call = call;
        this.code = code;
    }

    /** The OpenCL function, with what it was working on in parentheses. */
    public String call() { return call; }

    /** The OpenCL error code (negative). */
    public int code() { return code; }

    /** The symbolic name of an OpenCL error code, e.g. CL_OUT_OF_RESOURCES. */
    public static String errorName(int code) {
        String s = CL.stringFor_errorCode(code);
        return s.startsWith("INVALID") ? "unknown OpenCL error" : s;
    }
}
