package io.microllm.spi;

/**
 * A tensor as ops see it: a type and a shape. Backends return their own implementations holding device memory;
 * {@link TensorSpec} describes a tensor that does not exist yet (for {@link Backend#supports}).
 */
public interface Tensor {
    TensorType type();

    Shape shape();

    /** Bytes of the tensor's data in GGUF layout. */
    default long byteSize() { return type().bytes(shape().elements()); }
}
