package io.microllm.runtime.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer written in GGUF's little-endian encoding. */
final class LittleEndianBuffer {
    private byte[] bytes = new byte[256];
    private int size;

    int size() { return size; }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            long wanted = Math.max((long) bytes.length * 2, (long) size + more);
            if (wanted > SegmentReader.MAX_ARRAY) throw new IllegalStateException("GGUF metadata larger than 2 GiB");
            bytes = Arrays.copyOf(bytes, (int) wanted);
        }
    }

    void u8(int v) {
        ensure(1);
        bytes[size++] = (byte) v;
    }

    void u16(int v) {
        u8(v);
        u8(v >>> 8);
    }

    void u32(int v) {
        u16(v);
        u16(v >>> 16);
    }

    void u64(long v) {
        u32((int) v);
        u32((int) (v >>> 32));
    }

    void f32(float v) { u32(Float.floatToRawIntBits(v)); }

    void f64(double v) { u64(Double.doubleToRawLongBits(v)); }

    /** A GGUF string: u64 byte length, then UTF-8. */
    void string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        u64(utf8.length);
        bytes(utf8);
    }

    void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    void padTo(int alignment) {
        int padding = (int) (GgufParser.alignUp(size, alignment) - size);
        ensure(padding);
        size += padding; // the array is zero beyond size
    }

    byte[] toByteArray() { return Arrays.copyOf(bytes, size); }

    void writeTo(OutputStream out) throws IOException { out.write(bytes, 0, size); }
}
