package io.microllm.runtime.gguf;

import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a GGUF file.
 *
 * @param ne       dimensions in GGUF order: {@code ne[0]} is the innermost one (the row length); 1 to 4 of them
 * @param offset   start of the tensor's bytes, relative to the file's tensor-data section
 * @param byteSize bytes the tensor takes
 */
public record GgufTensorInfo(String name, TensorType type, long[] ne, long offset, long byteSize) {
    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        if (ne.length < 1 || ne.length > 4) throw new IllegalArgumentException("tensor '" + name + "' needs 1 to 4 dimensions, got " + ne.length);
        ne = ne.clone();
    }

    /** A copy of the dimensions (GGUF order). */
    @Override
    public long[] ne() { return ne.clone(); }

    /** Number of dimensions. */
    public int nDims() { return ne.length; }

    /** Total number of elements. */
    public long elements() {
        long n = 1;
        for (long d : ne) n = Math.multiplyExact(n, d);
        return n;
    }

    /** Row-major 2-D shape {@code [product(ne[1..]), ne[0]]}: a [out, in] weight for a 2-D tensor, one row for a vector. */
    public Shape shape() {
        long rows = elements() / ne[0];
        if (rows > Integer.MAX_VALUE || ne[0] > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor '" + name + "' with ne " + Arrays.toString(ne) + " is too large for a 2-D Shape");
        }
        return Shape.of((int) rows, (int) ne[0]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t && name.equals(t.name) && type == t.type && Arrays.equals(ne, t.ne)
                && offset == t.offset && byteSize == t.byteSize;
    }

    @Override
    public int hashCode() { return Objects.hash(name, type, Arrays.hashCode(ne), offset, byteSize); }

    @Override
    public String toString() {
        return name + " " + type + " ne=" + Arrays.toString(ne) + " offset=" + offset + " bytes=" + byteSize;
    }
}
