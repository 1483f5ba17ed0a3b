package io.microllm.runtime.tokenizer;

import java.util.Arrays;

/**
 * An open-addressing map from long to int, for the BPE merge table (~280k pairs in Llama-3): no boxing, and a
 * mixed hash (packed id pairs collide badly under {@link Long#hashCode}).
 */
final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private final long[] keys;
    private final int[] values;
    private final int mask;

    LongIntMap(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedSize * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        mask = capacity - 1;
        Arrays.fill(keys, EMPTY);
    }

    private int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Stores the value unless the key is present (keeps the first, like llama.cpp's emplace). */
    void putIfAbsent(long key, int value) {
        if (key == EMPTY) throw new IllegalArgumentException("reserved key");
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == key) return;
            if (keys[i] == EMPTY) {
                keys[i] = key;
                values[i] = value;
                return;
            }
        }
    }

    /** The value for the key, or {@code missing}. */
    int get(long key, int missing) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            if (keys[i] == key) return values[i];
            if (keys[i] == EMPTY) return missing;
        }
    }
}
