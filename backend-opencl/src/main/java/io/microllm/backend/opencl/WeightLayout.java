package io.microllm.backend.opencl;

import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Where the fields of a tensor's blocks live in its device buffer. A field is a run of bytes inside every GGUF block
 * (Q8_0: the fp16 scale at byte 0, the 32 quants at byte 2). In GGUF layout the buffer holds the blocks as they
 * are; in split layout it holds each field of all blocks as one contiguous array, so a row's quants stream without
 * the scales in between and stay aligned (faster mat-vec on CPUs, coalesced loads on GPUs).
 *
 * <p>fp16 fields (scales, mins) are widened to floats in split layout: on CPUs a float load is much cheaper than
 * vload_half, and the conversion is exact both ways, so read() still returns the original bytes.
 *
 * <p>Kernels get, per field, the byte where the view's first block starts ({@code at}) and the distance between
 * blocks ({@code st}), so the same kernel reads either layout. Plain types (F32, F16, BF16, I32) are one field with
 * a block of one element.
 */
final class WeightLayout {

    /** {@code bytes} bytes at {@code ggufOffset} of every block; {@code halves}: they are fp16 values. */
    record Field(int ggufOffset, int bytes, boolean halves) {
        Field(int ggufOffset, int bytes) { this(ggufOffset, bytes, false); }

        /** Bytes per block in split layout. */
        int splitBytes() { return halves ? 2 * bytes : bytes; }
    }

    private static Field halves(int ggufOffset, int bytes) { return new Field(ggufOffset, bytes, true); }

    /** The fields of each type, in the order the kernels number them (see the matmul_*.cl files). */
    static List<Field> fields(TensorType type) {
        return switch (type) {
            case F32, I32 -> List.of(new Field(0, 4));
            case F16, BF16 -> List.of(new Field(0, 2));
            case Q8_0 -> List.of(new Field(2, 32), halves(0, 2));
            case Q4_0 -> List.of(new Field(2, 16), halves(0, 2));
            case Q4_1 -> List.of(new Field(4, 16), halves(0, 4));
            case Q5_0 -> List.of(new Field(6, 16), new Field(2, 4), halves(0, 2));
            case Q5_1 -> List.of(new Field(8, 16), new Field(4, 4), halves(0, 4));
            case Q4_K -> List.of(new Field(16, 128), new Field(4, 12), halves(0, 4));
            case Q5_K -> List.of(new Field(48, 128), new Field(16, 32), new Field(4, 12), halves(0, 4));
            case Q6_K -> List.of(new Field(0, 128), new Field(128, 64), new Field(192, 16), halves(208, 2));
        };
    }

    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final TensorType type;
    private final long blocks;
    private final boolean split;
    private final List<Field> fields;
    private final long[] start;

    WeightLayout(TensorType type, long elements, boolean split) {
        this.type = type;
        this.blocks = elements / type.blockSize();
        this.fields = fields(type);
        this.split = split && fields.size() > 1;
        this.start = new long[fields.size()];
        long at = 0;
        for (int f = 0; f < fields.size(); f++) {
            start[f] = this.split ? at : fields.get(f).ggufOffset();
            at += blocks * fields.get(f).splitBytes();
        }
    }

    boolean split() { return split; }

    /** Bytes of the device buffer. */
    long deviceBytes() {
        return split ? fields.stream().mapToLong(f -> blocks * f.splitBytes()).sum() : blocks * type.blockBytes();
    }

    /** The {@code at} kernel argument (ulong4) for a view starting at block {@code firstBlock}. */
    long[] at(long firstBlock) {
        long[] at = new long[4];
        for (int f = 0; f < fields.size(); f++) at[f] = start[f] + firstBlock * stride(f);
        return at;
    }

    /** The {@code st} kernel argument (uint4). */
    int[] strides() {
        int[] st = new int[4];
        for (int f = 0; f < fields.size(); f++) st[f] = stride(f);
        return st;
    }

    private int stride(int f) { return split ? fields.get(f).splitBytes() : type.blockBytes(); }

    /** A contiguous byte range of the device buffer. */
    record Range(long deviceOffset, long bytes, int field) {}

    /**
     * The device ranges holding blocks {@code first .. first + count - 1}: one range in GGUF layout, one per field in
     * split layout.
     */
    List<Range> ranges(long first, long count) {
        if (!split) return List.of(new Range(first * type.blockBytes(), count * type.blockBytes(), -1));
        return java.util.stream.IntStream.range(0, fields.size())
                .mapToObj(f -> new Range(start[f] + first * stride(f), count * stride(f), f))
                .toList();
    }

    /** Copies field {@code field} of {@code count} GGUF blocks from {@code gguf} into {@code dst} (contiguous). */
    void gather(int field, MemorySegment gguf, long count, MemorySegment dst, long dstOffset) {
        Field f = fields.get(field);
        int blockBytes = type.blockBytes();
        int out = f.splitBytes();
        for (long b = 0; b < count; b++) {
            long from = b * blockBytes + f.ggufOffset();
            long to = dstOffset + b * out;
            if (f.halves()) {
                for (int i = 0; i < f.bytes() / 2; i++) dst.set(F32, to + 4L * i, Float.float16ToFloat(gguf.get(F16, from + 2L * i)));
            } else {
                MemorySegment.copy(gguf, from, dst, to, f.bytes());
            }
        }
    }

    /** The inverse of {@link #gather}: puts a contiguous field array back into GGUF blocks. */
    void scatter(int field, MemorySegment src, long srcOffset, long count, MemorySegment gguf) {
        Field f = fields.get(field);
        int blockBytes = type.blockBytes();
        int in = f.splitBytes();
        for (long b = 0; b < count; b++) {
            long from = srcOffset + b * in;
            long to = b * blockBytes + f.ggufOffset();
            if (f.halves()) {
                for (int i = 0; i < f.bytes() / 2; i++) gguf.set(F16, to + 2L * i, Float.floatToFloat16(src.get(F32, from + 4L * i)));
            } else {
                MemorySegment.copy(src, from, gguf, to, f.bytes());
            }
        }
    }

    /** The whole buffer in this layout from GGUF bytes (split layout only). */
    void pack(MemorySegment gguf, MemorySegment dst) {
        for (int f = 0; f < fields.size(); f++) gather(f, gguf, blocks, dst, start[f]);
    }
}
