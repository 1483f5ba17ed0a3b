package io.microllm.kernels.quant;

import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;

/**
 * GGUF-layout data to floats, exactly as ggml's {@code dequantize_row_*} (same float operations in the same order,
 * so results are bit-identical).
 */
public final class Dequantize {
    private Dequantize() {}

    /**
     * Dequantizes {@code n} elements of type {@code t} starting at {@code byteOffset} in {@code src} into
     * {@code dst[dstOffset..dstOffset+n)}. {@code n} must be a multiple of the type's block size.
     *
     * @throws IllegalArgumentException for I32, a partial block, or ranges outside {@code src} or {@code dst}
     */
    public static void row(TensorType t, MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        if (t == TensorType.I32) throw new IllegalArgumentException("I32 holds integers, not dequantizable values");
        if (n < 0 || dstOffset < 0 || dstOffset > dst.length - n) {
            throw new IllegalArgumentException("dst range [" + dstOffset + ", " + dstOffset + " + " + n
                    + ") is outside an array of " + dst.length);
        }
        long bytes = t.bytes(n);
        if (byteOffset < 0 || byteOffset > src.byteSize() - bytes) {
            throw new IllegalArgumentException(n + " " + t + " elements need bytes [" + byteOffset + ", "
                    + (byteOffset + bytes) + "), src has " + src.byteSize());
        }
        int blocks = n / t.blockSize();
        switch (t) {
            case F32 -> MemorySegment.copy(src, LittleEndian.FLOAT, byteOffset, dst, dstOffset, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst[dstOffset + i] = Fp16.toFloat(src.get(LittleEndian.SHORT, byteOffset + 2L * i));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst[dstOffset + i] = Bf16.toFloat(src.get(LittleEndian.SHORT, byteOffset + 2L * i));
            }
            case Q8_0 -> Q8Blocks.dequantize(src, byteOffset, dst, dstOffset, blocks);
            case Q4_0 -> Q4Blocks.dequantize0(src, byteOffset, dst, dstOffset, blocks);
            case Q4_1 -> Q4Blocks.dequantize1(src, byteOffset, dst, dstOffset, blocks);
            case Q5_0 -> Q5Blocks.dequantize0(src, byteOffset, dst, dstOffset, blocks);
            case Q5_1 -> Q5Blocks.dequantize1(src, byteOffset, dst, dstOffset, blocks);
            case Q4_K -> Q4KBlocks.dequantize(src, byteOffset, dst, dstOffset, blocks);
            case Q5_K -> Q5KBlocks.dequantize(src, byteOffset, dst, dstOffset, blocks);
            case Q6_K -> Q6KBlocks.dequantize(src, byteOffset, dst, dstOffset, blocks);
            case I32 -> throw new AssertionError("rejected above");
        }
    }

    /** The first {@code elements} elements of {@code src} (GGUF layout, type {@code t}) as floats. */
    public static float[] all(TensorType t, MemorySegment src, long elements) {
        if (elements < 0 || elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(elements + " elements do not fit one float array");
        }
        float[] out = new float[(int) elements];
        row(t, src, 0, out, 0, (int) elements);
        return out;
    }
}
