package io.microllm.kernels.quant;

import io.microllm.spi.TensorType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reference blocks from llama.cpp, copied from {@code ../shared/testdata/dequant} (see its README.md) into
 * {@code src/test/resources/testdata/dequant}: the first 4 rows (4 × 256 values) of tensor {@code blk.0.attn_k.weight}
 * of the {@code qwen3-peaked-<TYPE>.gguf} models, as stored by {@code llama-quantize --pure} (llama.cpp 0.7.0, Debian),
 * and their dequantization by gguf-py 0.7.0's {@code gguf.quants.dequantize} (numpy mirrors of ggml's C code).
 * The quantized files were made from {@code qwen3-peaked-F32.gguf}, whose rows are {@code F32.raw.bin}.
 */
final class LlamaCppBlocks {
    private LlamaCppBlocks() {}

    static final int ROWS = 4;
    static final int COLS = 256;

    /** The types in the kit (BF16 is not among them). */
    static final TensorType[] TYPES = {TensorType.F32, TensorType.F16, TensorType.Q8_0, TensorType.Q4_0, TensorType.Q4_1,
            TensorType.Q5_0, TensorType.Q5_1, TensorType.Q4_K, TensorType.Q5_K, TensorType.Q6_K};

    /** {@code <TYPE>.raw.bin}: the bytes as stored in the GGUF file. */
    static byte[] raw(TensorType t) { return read(t + ".raw.bin"); }

    /** {@code <TYPE>.f32.bin}: gguf-py's dequantization of {@link #raw}. */
    static float[] dequantized(TensorType t) { return floats(read(t + ".f32.bin")); }

    /** The F32 master rows the quantized files were made from. */
    static float[] original() { return floats(raw(TensorType.F32)); }

    static float[] floats(byte[] bytes) {
        float[] out = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private static byte[] read(String name) {
        String path = "/testdata/dequant/" + name;
        try (InputStream in = LlamaCppBlocks.class.getResourceAsStream(path)) {
            if (in == null) throw new IllegalStateException("missing test resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
