package io.microllm.backend.cpu;

import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The activation row of a mat-vec, prepared once per op for the weight format (by {@link Kernels#prepare}) and
 * then read by every worker: a copy of x on the heap and the sum of each 32 values of x, which the offset and
 * minimum terms of the quant formats multiply; or x quantized to int8 blocks for a {@link NativeKernels} mat-vec.
 */
final class Activation {
    float[] values = new float[0];
    float[] blockSums = new float[0];
    /** x in int8 blocks for the native kernel of this weight type, or null when the Java kernels run. */
    TensorType quantizedFor;
    MemorySegment quantized = MemorySegment.NULL;

    /** Room for {@code values} floats and {@code blocks} block sums. */
    void ensure(int values, int blocks) {
        if (this.values.length < values) this.values = new float[values];
        if (blockSums.length < blocks) blockSums = new float[blocks];
    }

    /** {@link #quantized}, with room for at least {@code bytes} bytes. */
    MemorySegment quantized(long bytes) {
        if (quantized.byteSize() < bytes) quantized = Arena.ofAuto().allocate(bytes, 64);
        return quantized;
    }
}
