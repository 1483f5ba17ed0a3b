package io.microllm.kernels.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** GGUF data is little-endian and blocks are packed without alignment: these layouts read and write it. */
final class LittleEndian {
    private LittleEndian() {}

    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    static int u8(MemorySegment s, long offset) { return s.get(ValueLayout.JAVA_BYTE, offset) & 0xFF; }

    static int i8(MemorySegment s, long offset) { return s.get(ValueLayout.JAVA_BYTE, offset); }

    static void put8(MemorySegment s, long offset, int v) { s.set(ValueLayout.JAVA_BYTE, offset, (byte) v); }

    static float f16(MemorySegment s, long offset) { return Fp16.toFloat(s.get(SHORT, offset)); }

    /** Stores {@code v} as F16 and returns the stored value, which quantizers must continue with (as ggml does). */
    static float putF16(MemorySegment s, long offset, float v) {
        short h = Fp16.fromFloat(v);
        s.set(SHORT, offset, h);
        return Fp16.toFloat(h);
    }
}
