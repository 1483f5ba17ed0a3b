package io.microllm.runtime.tokenizer;

import java.util.Arrays;

/** A growable int array: token ids and split offsets without boxing. */
final class IntList {
    private int[] values = new int[16];
    private int size;

    void add(int v) {
        if (size == values.length) values = Arrays.copyOf(values, size * 2);
        values[size++] = v;
    }

    int get(int i) {
        return values[java.util.Objects.checkIndex(i, size)];
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
