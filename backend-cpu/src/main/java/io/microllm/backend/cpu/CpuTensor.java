package io.microllm.backend.cpu;

import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;

/**
 * A tensor of one {@link CpuBackend}: GGUF-layout bytes in host memory. Uploaded weights are the caller's own
 * memory (zero copy); activations live in the backend's arena; views are slices of either. {@code data} is always
 * a plain native segment (see {@link CpuBackend#upload}); {@code source} is the memory it came from, whose scope
 * keeps it valid and whose read-only flag protects it.
 */
record CpuTensor(CpuBackend owner, TensorType type, Shape shape, MemorySegment data, MemorySegment source) implements Tensor {

    /** Bytes of one row. */
    long rowBytes() { return type.bytes(shape.cols()); }

    @Override
    public String toString() { return "cpu " + type + " " + shape; }
}
