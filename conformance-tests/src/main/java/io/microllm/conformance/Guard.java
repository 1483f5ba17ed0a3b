package io.microllm.conformance;

import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;

/**
 * The guard rows around an output and the sentinel they hold. The sentinel is a NaN for the float types, so an
 * element of dst the op forgot to write also fails, and an unusual integer for I32.
 */
record Guard(int before, int after) {
    /** ggml puts 1024 floats of sentinel after each tensor; rows here, at least one on each side. */
    private static final int MIN_GUARD_ELEMENTS = 256;

    static Guard rows(Shape shape, int atLeastBefore, int atLeastAfter) {
        int min = Math.max(1, (MIN_GUARD_ELEMENTS + shape.cols() - 1) / shape.cols());
        return new Guard(Math.max(min, atLeastBefore), Math.max(min, atLeastAfter));
    }

    Shape baseShape(Shape dst) { return Shape.of(before + dst.rows() + after, dst.cols()); }

    /** Fills {@code into} with the sentinel of {@code type}. */
    static MemorySegment sentinel(TensorType type, MemorySegment into) {
        switch (type) {
            case F32 -> fill(into, 0x7FC1A55A);
            case I32 -> fill(into, 0x7A5AA5C3);
            case F16 -> fill(into, (short) 0x7E5A);
            case BF16 -> fill(into, (short) 0x7FC5);
            default -> throw new IllegalArgumentException("outputs are F32, F16, BF16 or I32, not " + type);
        }
        return into;
    }

    private static void fill(MemorySegment into, int pattern) {
        for (long off = 0; off < into.byteSize(); off += 4) into.set(Codec.I32, off, pattern);
    }

    private static void fill(MemorySegment into, short pattern) {
        for (long off = 0; off < into.byteSize(); off += 2) into.set(Codec.I16, off, pattern);
    }
}
