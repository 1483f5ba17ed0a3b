package io.microllm.backend.tornado;

import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

/**
 * A tensor of one {@link TornadoBackend}: a range of one of its {@link Heaps}, starting at element {@code offset}
 * of that heap (a byte offset for quantized types), in GGUF layout.
 */
record TornadoTensor(TornadoBackend owner, TensorType type, Shape shape, Heaps.Kind heap, int offset) implements Tensor {

    /** Heap elements the tensor spans. */
    long units() { return Heaps.Kind.units(type, shape.elements()); }

    /** Heap elements of one row. */
    long rowUnits() { return Heaps.Kind.units(type, shape.cols()); }

    @Override
    public String toString() { return "tornado " + type + " " + shape; }
}
