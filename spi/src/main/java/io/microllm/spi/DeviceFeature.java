package io.microllm.spi;

public enum DeviceFeature {
    /** Half-precision arithmetic in kernels (OpenCL {@code cl_khr_fp16}). */
    FP16,
    /** Double-precision arithmetic in kernels. */
    FP64,
    /** The device reads host memory directly: weights can be used in place, without a copy. */
    UNIFIED_MEMORY
}
