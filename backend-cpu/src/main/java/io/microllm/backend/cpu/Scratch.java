package io.microllm.backend.cpu;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One worker thread's reusable buffers. They grow to the largest size asked for and are then reused, so the hot
 * paths allocate nothing once a model's shapes have been seen.
 */
final class Scratch {
    /** Dequantized weight rows of a mat-mul tile. */
    static final int WEIGHT_ROWS = 0;
    /** Attention scores, softmax rows. */
    static final int SCORES = 1;
    /** One attention head: the query and the output accumulator; RoPE's cos/sin table. */
    static final int HEAD = 2;

    private final float[][] floats = new float[3][];
    private MemorySegment nativeFloats = MemorySegment.NULL;

    /** A buffer of at least {@code n} floats in {@code slot}; its contents are left over from earlier use. */
    float[] floats(int slot, int n) {
        float[] a = floats[slot];
        if (a == null || a.length < n) {
            a = new float[Math.max(n, a == null ? 0 : a.length + a.length / 2)];
            floats[slot] = a;
        }
        return a;
    }

    /** A native buffer of at least {@code n} floats, for the native kernels' scratch (they take no heap arrays). */
    MemorySegment nativeFloats(long n) {
        if (nativeFloats.byteSize() < 4 * n) nativeFloats = Arena.ofAuto().allocate(4 * Math.max(n, nativeFloats.byteSize() / 4 * 3 / 2), 64);
        return nativeFloats;
    }
}
