package io.microllm.spi;

/**
 * Element types, with GGUF's type ids and block layout, so a GGUF tensor maps onto them directly.
 * A row of {@code n} elements takes {@code n / blockSize * blockBytes} bytes; {@code n} must be a multiple of
 * {@link #blockSize()}.
 */
public enum TensorType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    I32(26, 1, 4),
    BF16(30, 1, 2);

    private final int ggufId;
    private final int blockSize;
    private final int blockBytes;

    TensorType(int ggufId, int blockSize, int blockBytes) {
        this.ggufId = ggufId;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The type id GGUF and ggml use ({@code enum ggml_type}). */
    public int ggufId() { return ggufId; }

    /** Elements per block (1 for plain types). */
    public int blockSize() { return blockSize; }

    /** Bytes per block. */
    public int blockBytes() { return blockBytes; }

    /** True for the block-quantized types. */
    public boolean isQuantized() { return blockSize > 1; }

    /** Bytes taken by {@code elements} elements; throws if they do not fill whole blocks. */
    public long bytes(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(this + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * blockBytes;
    }

    /** The type with this GGUF id, or {@code null} when microllm does not know it. */
    public static TensorType byGgufId(int id) {
        for (TensorType t : values()) {
            if (t.ggufId == id) return t;
        }
        return null;
    }
}
