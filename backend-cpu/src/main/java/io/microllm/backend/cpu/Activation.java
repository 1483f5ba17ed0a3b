package io.microllm.backend.cpu;

/**
 * The activation row of a mat-vec, prepared once per op for the weight format (by {@link Kernels#prepare}) and
 * then read by every worker: a re-laid-out copy for the nibble formats, and the sum of each 32 values, which
 * the offset and minimum terms of the quant formats multiply.
 */
final class Activation {
    float[] values = new float[0];
    float[] blockSums = new float[0];

    void ensure(int n) {
        if (values.length < n) values = new float[n];
        if (blockSums.length < n / 32) blockSums = new float[n / 32];
    }
}
