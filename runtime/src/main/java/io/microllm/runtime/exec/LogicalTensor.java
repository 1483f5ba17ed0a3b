package io.microllm.runtime.exec;

import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;

/**
 * A tensor of the forward pass, independent of where it lives: the {@link Executor} maps it onto a backend's own
 * tensor (a buffer or a view of one) when an op runs there. Build ops from these and pass them to
 * {@link Executor#run}.
 */
public final class LogicalTensor implements Tensor {
    final Storage storage;
    /** Where this tensor starts in its storage, in elements. */
    final long elementOffset;
    private final Shape shape;
    /** Type and shape alone: what backends see when asked whether they support an op on this tensor. */
    final TensorSpec spec;
    /** The backend-side tensor per backend, made on first use (views are cheap but not free). */
    private final Tensor[] physical;

    LogicalTensor(Storage storage, long elementOffset, Shape shape) {
        this.storage = storage;
        this.elementOffset = elementOffset;
        this.shape = shape;
        this.spec = new TensorSpec(storage.type, shape);
        this.physical = new Tensor[storage.copies.length];
    }

    @Override public TensorType type() { return storage.type; }

    @Override public Shape shape() { return shape; }

    /** The name of the buffer or weight this tensor lives in (for messages). */
    public String name() { return storage.name; }

    /** True when this tensor is its whole storage, not a part of it. */
    boolean coversStorage() { return elementOffset == 0 && shape.elements() == storage.shape.elements(); }

    /** The first row of the storage this tensor touches. */
    int firstRow() { return (int) (elementOffset / storage.shape.cols()); }

    /** One past the last row of the storage this tensor touches. */
    int endRow() { return (int) Math.ceilDiv(elementOffset + shape.elements(), (long) storage.shape.cols()); }

    Tensor physical(int backend) { return physical[backend]; }

    void physical(int backend, Tensor t) { physical[backend] = t; }

    @Override
    public String toString() {
        return storage.name + (coversStorage() ? "" : "@" + elementOffset) + " " + storage.type + " " + shape;
    }
}
