package io.microllm.kernels.quant;

import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Floats to GGUF-layout data, with the same algorithms as ggml's {@code quantize_row_*_ref} (what llama-quantize
 * uses without an importance matrix), operation for operation, so the bytes equal llama.cpp's.
 */
public final class Quantize {
    private Quantize() {}

    /**
     * {@code src} in type {@code t} (F32, F16, BF16 or a quantized type), GGUF layout. Its length must be a multiple
     * of the block size; quantized types reject NaN and infinity (ggml would silently produce garbage blocks).
     */
    public static byte[] quantize(TensorType t, float[] src) {
        byte[] out = new byte[Math.toIntExact(checked(t, src))];
        write(t, src, MemorySegment.ofArray(out));
        return out;
    }

    /** Like {@link #quantize}, into a new native segment (64-byte aligned, freed by the garbage collector). */
    public static MemorySegment toSegment(TensorType t, float[] src) {
        MemorySegment out = Arena.ofAuto().allocate(checked(t, src), 64);
        write(t, src, out);
        return out;
    }

    private static long checked(TensorType t, float[] src) {
        if (t == TensorType.I32) throw new IllegalArgumentException("I32 holds integers; only float types can be quantized");
        long bytes = t.bytes(src.length);
        if (t.isQuantized()) {
            for (int i = 0; i < src.length; i++) {
                if (!Float.isFinite(src[i])) {
                    throw new IllegalArgumentException("cannot quantize " + src[i] + " (element " + i + ") to " + t);
                }
            }
        }
        return bytes;
    }

    private static void write(TensorType t, float[] src, MemorySegment dst) {
        int n = src.length;
        int blocks = n / t.blockSize();
        switch (t) {
            case F32 -> MemorySegment.copy(src, 0, dst, LittleEndian.FLOAT, 0, n);
            case F16 -> {
                for (int i = 0; i < n; i++) dst.set(LittleEndian.SHORT, 2L * i, Fp16.fromFloat(src[i]));
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) dst.set(LittleEndian.SHORT, 2L * i, Bf16.fromFloat(src[i]));
            }
            case Q8_0 -> Q8Blocks.quantize(src, 0, dst, 0, blocks);
            case Q4_0 -> Q4Blocks.quantize0(src, 0, dst, 0, blocks);
            case Q4_1 -> Q4Blocks.quantize1(src, 0, dst, 0, blocks);
            case Q5_0 -> Q5Blocks.quantize0(src, 0, dst, 0, blocks);
            case Q5_1 -> Q5Blocks.quantize1(src, 0, dst, 0, blocks);
            case Q4_K -> Q4KBlocks.quantize(src, 0, dst, 0, blocks);
            case Q5_K -> Q5KBlocks.quantize(src, 0, dst, 0, blocks);
            case Q6_K -> Q6KBlocks.quantize(src, 0, dst, 0, blocks);
            case I32 -> throw new AssertionError("rejected in checked()");
        }
    }
}
