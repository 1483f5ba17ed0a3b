package io.microllm.backend.opencl;

import io.microllm.spi.TensorType;
import org.jocl.cl_mem;

import java.lang.foreign.MemorySegment;

/**
 * One device buffer and what it holds; shared by a tensor and all views of it.
 */
final class ClStorage {
    final OpenClBackend owner;
    final TensorType type;
    final long elements;
    final WeightLayout layout;
    /** Replaced once if a zero-copy weight is written (see {@link OpenClBackend}). */
    cl_mem mem;
    /**
     * For a zero-copy buffer (CL_MEM_USE_HOST_PTR): the host memory the device reads. Held so that memory stays
     * reachable (an automatic arena frees it otherwise) as long as the buffer exists; null for device-owned buffers.
     */
    MemorySegment hostData;
    /**
     * I32 tensors (token ids): the values last written from the host, so GetRows can reject a bad id before it runs.
     * Null when a kernel wrote the buffer since (then the kernel checks ids itself).
     */
    int[] hostInts;
    boolean released;

    ClStorage(OpenClBackend owner, TensorType type, long elements, WeightLayout layout, cl_mem mem, MemorySegment hostData) {
        this.owner = owner;
        this.type = type;
        this.elements = elements;
        this.layout = layout;
        this.mem = mem;
        this.hostData = hostData;
    }

    boolean zeroCopy() { return hostData != null; }
}
