package io.microllm.spi;

/** A tensor description without storage: ask {@link Backend#supports} before allocating anything. */
public record TensorSpec(TensorType type, Shape shape) implements Tensor {
    public static TensorSpec of(TensorType type, int rows, int cols) { return new TensorSpec(type, Shape.of(rows, cols)); }
}
