package io.microllm.kernels;

import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A tensor whose data lives in host memory, in GGUF layout.
 *
 * @param data exactly {@link #byteSize()} bytes; a native or heap segment
 */
public record HostTensor(TensorType type, Shape shape, MemorySegment data) implements Tensor {
    public HostTensor {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        long expected = type.bytes(shape.elements());
        if (data.byteSize() != expected) {
            throw new IllegalArgumentException(type + " " + shape + " needs " + expected + " bytes, data has " + data.byteSize());
        }
    }
}
