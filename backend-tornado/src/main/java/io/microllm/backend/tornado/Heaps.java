package io.microllm.backend.tornado;

import io.microllm.spi.TensorType;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;
import uk.ac.manchester.tornado.api.types.arrays.TornadoNativeArray;

import java.lang.foreign.MemorySegment;

/**
 * The backend's storage: four TornadoVM arrays, one per element width, that every tensor is a range of. TornadoVM
 * binds arrays to task graphs when the graphs are built, so one fixed set of arrays is what lets a single set of
 * compiled kernels serve every tensor (offsets travel as parameters) and lets the arrays stay on the device from
 * one op to the next. Ranges are handed out by bumping an offset; they are freed only when the backend closes.
 *
 * <p>The host arrays mirror the device until the first op runs; after that the device copy is the current one,
 * except for {@link Kind#BYTE} (quantized weights), which the device never writes and the host keeps current.
 */
final class Heaps {

    /** Which array holds a tensor, by element width. */
    enum Kind {
        FLOAT(4, 1 << 22), SHORT(2, 1 << 22), BYTE(1, 1 << 24), INT(4, 1 << 16);

        final int elementBytes;
        /** Room left free when the heaps go to the device: 16 MiB, except for the small int heap. */
        final int minimumRoom;

        Kind(int elementBytes, int minimumRoom) {
            this.elementBytes = elementBytes;
            this.minimumRoom = minimumRoom;
        }

        static Kind of(TensorType type) {
            return switch (type) {
                case F32 -> FLOAT;
                case F16, BF16 -> SHORT;
                case I32 -> INT;
                case Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q5_K, Q6_K -> BYTE;
            };
        }

        /** Array elements taken by {@code elements} tensor elements of {@code type} (bytes for quantized types). */
        static long units(TensorType type, long elements) {
            return of(type) == BYTE ? type.bytes(elements) : elements;
        }
    }

    /** Array elements are int-indexed, in Java and in the kernels. */
    static final long MAX_UNITS = Integer.MAX_VALUE - 64;
    /** Ranges start on 64-byte boundaries. */
    private static final int ALIGN_BYTES = 64;
    private static final int INITIAL_UNITS = 1 << 16;

    FloatArray floats = new FloatArray(INITIAL_UNITS);
    ShortArray shorts = new ShortArray(INITIAL_UNITS);
    ByteArray bytes = new ByteArray(INITIAL_UNITS);
    IntArray ints = new IntArray(INITIAL_UNITS);
    private final long[] used = new long[Kind.values().length];

    TornadoNativeArray array(Kind kind) {
        return switch (kind) {
            case FLOAT -> floats;
            case SHORT -> shorts;
            case BYTE -> bytes;
            case INT -> ints;
        };
    }

    /** Whether {@code units} more elements fit without replacing the array. */
    boolean fits(Kind kind, long units) {
        return aligned(kind, used[kind.ordinal()]) + units <= array(kind).getSize();
    }

    /**
     * Hands out a zero-filled range of {@code units} elements. An array that is too small is replaced (contents
     * kept) by one {@code growth} times larger, or as large as needed.
     */
    int reserve(Kind kind, long units, int growth) {
        long start = aligned(kind, used[kind.ordinal()]);
        long end = start + units;
        if (end > MAX_UNITS) {
            throw new IllegalStateException("the TornadoVM backend keeps all " + kind.name().toLowerCase()
                    + " tensors in one array of at most " + MAX_UNITS + " elements; " + end + " are needed");
        }
        if (end > array(kind).getSize()) {
            resize(kind, Math.min(MAX_UNITS, Math.max(end, (long) growth * array(kind).getSize())));
        }
        used[kind.ordinal()] = end;
        return (int) start;
    }

    /**
     * Sizes every array to what is used plus room to grow, before the arrays go to the device: the device buffer
     * is as large as the host array, and replacing an array later means rebuilding the device plan. The room is
     * generous because callers may create tensors lazily, when an op first needs them (microllm's executor does).
     */
    void fitForDevice() {
        for (Kind kind : Kind.values()) {
            long inUse = used[kind.ordinal()];
            long target = Math.min(MAX_UNITS, inUse + Math.max(inUse / 2, kind.minimumRoom));
            if (array(kind).getSize() > 2 * target || array(kind).getSize() < target) resize(kind, target);
        }
    }

    /** The host bytes of a range. */
    MemorySegment segment(Kind kind, long offset, long units) {
        return array(kind).getSegment().asSlice(offset * kind.elementBytes, units * kind.elementBytes);
    }

    private long aligned(Kind kind, long units) {
        long per = ALIGN_BYTES / kind.elementBytes;
        return (units + per - 1) / per * per;
    }

    private void resize(Kind kind, long units) {
        TornadoNativeArray old = array(kind);
        int size = (int) units;
        TornadoNativeArray grown = switch (kind) {
            case FLOAT -> floats = new FloatArray(size);
            case SHORT -> shorts = new ShortArray(size);
            case BYTE -> bytes = new ByteArray(size);
            case INT -> ints = new IntArray(size);
        };
        long keep = Math.min(used[kind.ordinal()], units) * kind.elementBytes;
        MemorySegment.copy(old.getSegment(), 0, grown.getSegment(), 0, keep);
    }
}
