package io.microllm.runtime.exec;

import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;

/**
 * The memory behind one or more {@link LogicalTensor}s (a buffer and its views), with one copy per backend that
 * has used it. Each copy knows which rows it lacks: a write on one backend makes just the written rows stale on the
 * others, so a KV-cache slot written on one backend and read on another moves one slot, not the whole cache.
 * Weights never change: {@code weightData} is uploaded to a backend the first time an op there needs it.
 */
final class Storage {
    final String name;
    final TensorType type;
    final Shape shape;
    final MemorySegment weightData;
    final Tensor[] copies;
    /** Per backend, the rows {@code [staleFrom, staleTo)} its copy lacks; empty when the copy is current. */
    private final int[] staleFrom;
    private final int[] staleTo;
    /** False until the first write: every freshly allocated copy is zero, so all copies agree. */
    private boolean written;

    Storage(String name, TensorType type, Shape shape, MemorySegment weightData, int backends) {
        this.name = name;
        this.type = type;
        this.shape = shape;
        this.weightData = weightData;
        this.copies = new Tensor[backends];
        this.staleFrom = new int[backends];
        this.staleTo = new int[backends];
    }

    boolean isWeight() { return weightData != null; }

    /** Records backend {@code b}'s new copy: it lacks everything written so far. */
    void created(int b, Tensor copy) {
        copies[b] = copy;
        staleFrom[b] = 0;
        staleTo[b] = written ? shape.rows() : 0;
    }

    /** True when backend {@code b} holds a copy with all the latest data. */
    boolean current(int b) { return copies[b] != null && staleFrom[b] == staleTo[b]; }

    int staleFrom(int b) { return staleFrom[b]; }

    int staleTo(int b) { return staleTo[b]; }

    void refreshed(int b) { staleFrom[b] = staleTo[b] = 0; }

    /** The first backend holding a current copy, or -1 when none does. */
    int currentHolder() {
        for (int b = 0; b < copies.length; b++) if (current(b)) return b;
        return -1;
    }

    /** Backend {@code b} wrote rows {@code [from, to)} of its (current) copy: the other copies now lack them. */
    void wrote(int b, int from, int to) {
        for (int c = 0; c < copies.length; c++) {
            if (c == b || copies[c] == null) continue;
            if (staleFrom[c] == staleTo[c]) {
                staleFrom[c] = from;
                staleTo[c] = to;
            } else {
                staleFrom[c] = Math.min(staleFrom[c], from);
                staleTo[c] = Math.max(staleTo[c], to);
            }
        }
        refreshed(b);
        written = true;
    }
}
