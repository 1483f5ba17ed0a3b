package io.microllm.backend.cpu;

/**
 * The activation row of a mat-vec, prepared once per op for the weight format (by {@link Kernels#prepare}) and
 * then read by every worker: a copy of x on the heap, and the sum of each 32 values of x, which the
 * offset and minimum terms of the quant formats multiply.
 */
final class Activation {
    float[] values = new float[0];
    float[] blockSums = new float[0];

    /** Room for {@code values} floats and {@code blocks} block sums. */
    void ensure(int values, int blocks) {
        if (this.values.length < values) this.values = new float[values];
        if (blockSums.length < blocks) blockSums = new float[blocks];
    }
}
