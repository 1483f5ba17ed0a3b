package io.microllm.conformance;

import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

/**
 * What a case's program builds its tensors and runs its ops with. The same program runs three ways: against
 * {@link io.microllm.spi.TensorSpec}s to ask {@code supports()}, on the reference, and on the backend under test.
 */
interface Workspace {

    /** A weight uploaded with {@code Backend.upload} (backends may repack it). */
    Tensor weight(String name, TensorType type, Shape shape, Fill fill);

    /** An activation: allocated, then written; the suite checks the op left it unchanged. */
    Tensor input(String name, TensorType type, Shape shape, Fill fill);

    /**
     * An input that is a {@code Backend.view} starting at row {@code firstRow} of a larger written tensor (the last
     * token of a batch, one layer of a shared KV cache); the rows around it hold other data the op must not read.
     */
    Tensor inputView(String name, TensorType type, Shape shape, int firstRow, Fill fill);

    /** Like {@link #input} but ops may change it (a KV cache). */
    Tensor state(String name, TensorType type, Shape shape, Fill fill);

    /** A zero-filled intermediate tensor. */
    Tensor scratch(TensorType type, Shape shape);

    Tensor view(Tensor base, int firstRow, Shape shape);

    /**
     * An output compared with the reference: a view of the middle of a larger tensor whose other rows (at least
     * {@code rowsBefore} and {@code rowsAfter}) hold a sentinel pattern the op must leave alone.
     */
    Tensor output(TensorType type, Shape shape, int rowsBefore, int rowsAfter);

    /** An output with guard rows sized by the suite. */
    default Tensor output(TensorType type, Shape shape) { return output(type, shape, 0, 0); }

    /** A guarded output that starts out holding input data, for in-place ops. */
    Tensor inPlace(String name, TensorType type, Shape shape, Fill fill);

    /** Runs one op. */
    void run(Op op);

    /** A weight from raw bytes, for bad-input cases that must be rejected by {@code upload}. */
    Tensor uploadRaw(TensorType type, Shape shape, long byteSize);
}
