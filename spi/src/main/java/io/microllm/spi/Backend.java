package io.microllm.spi;

import java.lang.foreign.MemorySegment;

/**
 * An open device: owns its buffers and its weight layout, runs ops. Tensors passed to a backend must come from
 * that same backend ({@link #allocate}, {@link #upload}, {@link #view}).
 *
 * <p>Data crosses the host boundary only through {@link #upload}, {@link #write} and {@link #read}, always in GGUF
 * layout; between ops activations stay on the device. {@link #execute} may be asynchronous: {@link #read} and
 * {@link #synchronize} wait for earlier ops. A backend is used from one thread at a time.
 */
public interface Backend extends AutoCloseable {

    /** The device this backend runs on. */
    DeviceInfo device();

    /**
     * Whether this backend runs {@code op} with these types and shapes. The op's tensors may be {@link TensorSpec}s.
     * A declined op runs on another backend (reported) or fails in strict mode; the reason goes into reports.
     */
    Support supports(Op op);

    /** A new zero-filled tensor on the device, for activations and caches. */
    Tensor allocate(TensorType type, Shape shape);

    /**
     * Weights, uploaded once. {@code data} holds the tensor in GGUF layout and must stay valid while this backend is
     * open (a memory-mapped model does): a backend may use it in place where the device shares host memory, copy it,
     * or repack it into its own layout.
     */
    Tensor upload(TensorType type, Shape shape, MemorySegment data);

    /**
     * A tensor sharing {@code base}'s storage: {@code shape.elements()} elements starting at row {@code firstRow} of
     * base. Used for KV-cache slots, the last row of a batch, and reshaping ([n, heads·d] as [n·heads, d]).
     */
    Tensor view(Tensor base, int firstRow, Shape shape);

    /** Host to device: {@code src} holds {@code dst.byteSize()} bytes in GGUF layout. */
    void write(Tensor dst, MemorySegment src);

    /** Device to host: fills {@code dst} with {@code src.byteSize()} bytes in GGUF layout; waits for pending ops. */
    void read(Tensor src, MemorySegment dst);

    /** Runs (or enqueues) one op. Throws {@link IllegalArgumentException} for bad shapes or types. */
    void execute(Op op);

    /** Waits until every enqueued op has finished. */
    void synchronize();

    /** Releases every buffer and device resource. Tensors of this backend are invalid afterwards. */
    @Override
    void close();
}
