package io.microllm.backend.opencl;

import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.jocl.cl_mem;

/**
 * A tensor of the OpenCL backend: a storage and where in it this tensor (or view) starts. Kernels get the buffer and
 * {@link #offset()} as arguments, never a sub-buffer, so a view may start at any row.
 *
 * @param firstElement element index of the first element within the storage
 */
record ClTensor(ClStorage storage, TensorType type, Shape shape, long firstElement) implements Tensor {

    cl_mem mem() { return storage.mem; }

    /** Offset argument for plain-typed kernels: elements of this tensor's type. */
    long offset() { return firstElement; }

    /** The first block (= first element for plain types). */
    long firstBlock() { return firstElement / type.blockSize(); }

    /** The {@code at} argument of weight kernels. */
    long[] at() { return storage.layout.at(firstBlock()); }

    @Override
    public String toString() { return "OpenCL " + type + " " + shape + (firstElement > 0 ? " @" + firstElement : ""); }
}
