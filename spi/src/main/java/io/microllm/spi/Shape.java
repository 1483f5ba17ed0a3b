package io.microllm.spi;

/**
 * A row-major 2-D shape: {@code rows} rows of {@code cols} contiguous elements. Vectors are one row.
 * Weights are {@code [outFeatures, inFeatures]}; activations are {@code [tokens, features]}.
 */
public record Shape(int rows, int cols) {
    public Shape {
        if (rows < 1 || cols < 1) throw new IllegalArgumentException("shape must be positive, got [" + rows + ", " + cols + "]");
    }

    public static Shape of(int rows, int cols) { return new Shape(rows, cols); }

    public long elements() { return (long) rows * cols; }

    @Override
    public String toString() { return "[" + rows + ", " + cols + "]"; }
}
