package io.microllm.kernels.quant;

import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

class DequantizeTest {

    /** Bit for bit: gguf-py's numpy code does the same float32 operations in the same order as ggml's C. */
    @ParameterizedTest
    @FieldSource("io.microllm.kernels.quant.LlamaCppBlocks#TYPES")
    void equalsLlamaCppBitForBit(TensorType t) {
        byte[] raw = LlamaCppBlocks.raw(t);
        assertEquals(t.bytes((long) LlamaCppBlocks.ROWS * LlamaCppBlocks.COLS), raw.length, "raw size of " + t);
        float[] expected = LlamaCppBlocks.dequantized(t);
        float[] actual = Dequantize.all(t, MemorySegment.ofArray(raw), expected.length);
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                fail(t + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }

    /** row() at a byte offset (one row in) must give the second row, into the middle of the destination. */
    @ParameterizedTest
    @FieldSource("io.microllm.kernels.quant.LlamaCppBlocks#TYPES")
    void rowAtOffsets(TensorType t) {
        int cols = LlamaCppBlocks.COLS;
        float[] expected = LlamaCppBlocks.dequantized(t);
        float[] dst = new float[cols + 3];
        Dequantize.row(t, MemorySegment.ofArray(LlamaCppBlocks.raw(t)), t.bytes(cols), dst, 3, cols);
        for (int i = 0; i < cols; i++) assertEquals(expected[cols + i], dst[3 + i], t + " element " + i);
    }

    @Test
    void bf16IsTheUpperHalfOfF32RoundedToEven() {
        float[] values = {1.0f, -2.5f, Float.intBitsToFloat(0x3F808000), Float.intBitsToFloat(0x3F818000), -0.0f,
                Float.POSITIVE_INFINITY};
        byte[] bytes = Quantize.quantize(TensorType.BF16, values);
        assertEquals(12, bytes.length);
        assertEquals((byte) 0x80, bytes[0], "1.0 = 0x3F80, little-endian");
        assertEquals((byte) 0x3F, bytes[1]);
        float[] back = Dequantize.all(TensorType.BF16, MemorySegment.ofArray(bytes), values.length);
        float[] expected = {1.0f, -2.5f, 1.0f, Float.intBitsToFloat(0x3F820000), -0.0f, Float.POSITIVE_INFINITY};
        for (int i = 0; i < values.length; i++) assertEquals(expected[i], back[i], "element " + i);
        assertEquals(true, Float.isNaN(Bf16.toFloat(Bf16.fromFloat(Float.NaN))), "NaN stays NaN");
    }

    @Test
    void rejectsBadRanges() {
        MemorySegment seg = MemorySegment.ofArray(new byte[34]);
        float[] dst = new float[32];
        assertThrows(IllegalArgumentException.class, () -> Dequantize.row(TensorType.Q8_0, seg, 0, dst, 0, 16), "partial block");
        assertThrows(IllegalArgumentException.class, () -> Dequantize.row(TensorType.Q8_0, seg, 1, dst, 0, 32), "past src end");
        assertThrows(IllegalArgumentException.class, () -> Dequantize.row(TensorType.Q8_0, seg, 0, dst, 1, 32), "past dst end");
        assertThrows(IllegalArgumentException.class, () -> Dequantize.row(TensorType.I32, seg, 0, dst, 0, 4), "I32");
    }
}
