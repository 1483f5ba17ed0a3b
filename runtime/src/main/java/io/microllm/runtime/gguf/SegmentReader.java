package io.microllm.runtime.gguf;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A little-endian cursor over a mapped file that checks every read against the end of the file first, so a
 * corrupt length or count fails with a {@link GgufFormatException} naming the offset instead of reading (or
 * allocating) past the data.
 */
final class SegmentReader {
    /** Largest Java array we allocate; bigger counts cannot come from a loadable file anyway. */
    static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final Path path;
    private final MemorySegment segment;
    private long position;

    SegmentReader(Path path, MemorySegment segment) {
        this.path = path;
        this.segment = segment;
    }

    long position() { return position; }

    long remaining() { return segment.byteSize() - position; }

    GgufFormatException error(long offset, String problem) {
        return new GgufFormatException(path, offset, problem);
    }

    /** Claims the next {@code bytes} bytes and returns their offset. */
    private long take(long bytes, String what) throws GgufFormatException {
        if (bytes > remaining()) {
            throw error(position, "file ends inside " + what + ": it needs " + bytes + " bytes but only " + remaining()
                    + " are left (file size " + segment.byteSize() + ")");
        }
        long at = position;
        position += bytes;
        return at;
    }

    int u8(String what) throws GgufFormatException { return Byte.toUnsignedInt(segment.get(ValueLayout.JAVA_BYTE, take(1, what))); }

    int i8(String what) throws GgufFormatException { return segment.get(ValueLayout.JAVA_BYTE, take(1, what)); }

    int u16(String what) throws GgufFormatException { return Short.toUnsignedInt(segment.get(I16, take(2, what))); }

    int i16(String what) throws GgufFormatException { return segment.get(I16, take(2, what)); }

    int i32(String what) throws GgufFormatException { return segment.get(I32, take(4, what)); }

    long u32(String what) throws GgufFormatException { return Integer.toUnsignedLong(i32(what)); }

    /** A u64 or i64 as its raw 64 bits. */
    long i64(String what) throws GgufFormatException { return segment.get(I64, take(8, what)); }

    float f32(String what) throws GgufFormatException { return segment.get(F32, take(4, what)); }

    double f64(String what) throws GgufFormatException { return segment.get(F64, take(8, what)); }

    boolean bool(String what) throws GgufFormatException {
        long at = position;
        int b = u8(what);
        if (b > 1) throw error(at, what + " is a bool with byte value " + b + ", expected 0 or 1");
        return b == 1;
    }

    /**
     * A u64 element count, checked before anything is allocated: {@code count} items of at least
     * {@code minBytesEach} bytes must fit in what is left of the file, and in a Java array.
     */
    int count(String what, long minBytesEach) throws GgufFormatException {
        long at = position;
        long n = i64(what);
        if (n < 0 || n > remaining() / minBytesEach) {
            throw error(at, what + " " + Long.toUnsignedString(n) + " cannot fit in the " + remaining()
                    + " bytes left in the file (each takes at least " + minBytesEach + ")");
        }
        return checkArraySize(n, at, what);
    }

    /** A GGUF string: u64 byte length, then UTF-8 (malformed bytes decode to U+FFFD, as a tokenizer expects). */
    String string(String what) throws GgufFormatException {
        long at = position;
        long length = i64(what + " length");
        if (length < 0 || length > remaining()) {
            throw error(at, what + " length " + Long.toUnsignedString(length) + " exceeds the " + remaining() + " bytes left in the file");
        }
        if (length == 0) return ""; // shared: a file of empty strings must not cost an object per 8 bytes
        byte[] bytes = bytes(checkArraySize(length, at, what), what);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private int checkArraySize(long n, long at, String what) throws GgufFormatException {
        if (n > MAX_ARRAY) throw error(at, what + " " + n + " is more than this reader supports (" + MAX_ARRAY + ")");
        return (int) n;
    }

    byte[] bytes(int n, String what) throws GgufFormatException {
        byte[] dst = new byte[n];
        MemorySegment.copy(segment, ValueLayout.JAVA_BYTE, take(n, what), dst, 0, n);
        return dst;
    }

    short[] i16s(int n, String what) throws GgufFormatException {
        short[] dst = new short[n];
        MemorySegment.copy(segment, I16, take(2L * n, what), dst, 0, n);
        return dst;
    }

    int[] i32s(int n, String what) throws GgufFormatException {
        int[] dst = new int[n];
        MemorySegment.copy(segment, I32, take(4L * n, what), dst, 0, n);
        return dst;
    }

    long[] i64s(int n, String what) throws GgufFormatException {
        long[] dst = new long[n];
        MemorySegment.copy(segment, I64, take(8L * n, what), dst, 0, n);
        return dst;
    }

    float[] f32s(int n, String what) throws GgufFormatException {
        float[] dst = new float[n];
        MemorySegment.copy(segment, F32, take(4L * n, what), dst, 0, n);
        return dst;
    }

    double[] f64s(int n, String what) throws GgufFormatException {
        double[] dst = new double[n];
        MemorySegment.copy(segment, F64, take(8L * n, what), dst, 0, n);
        return dst;
    }
}
