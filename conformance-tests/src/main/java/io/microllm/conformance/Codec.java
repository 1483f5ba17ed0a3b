package io.microllm.conformance;

import io.microllm.kernels.quant.Bf16;
import io.microllm.kernels.quant.Dequantize;
import io.microllm.kernels.quant.Fp16;
import io.microllm.kernels.quant.Quantize;
import io.microllm.spi.TensorType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Floats to GGUF bytes and back, on the host; the quantized types go through the kernels' reference quantizer. */
final class Codec {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Codec() {}

    /** Writes {@code values} as {@code type} at {@code byteOffset}; I32 takes the values as integers. */
    static void encode(TensorType type, float[] values, MemorySegment dst, long byteOffset) {
        switch (type) {
            case F32 -> MemorySegment.copy(values, 0, dst, F32, byteOffset, values.length);
            case I32 -> {
                for (int i = 0; i < values.length; i++) dst.set(I32, byteOffset + 4L * i, (int) values[i]);
            }
            default -> {
                byte[] bytes = Quantize.quantize(type, values);
                MemorySegment.copy(bytes, 0, dst, ValueLayout.JAVA_BYTE, byteOffset, bytes.length);
            }
        }
    }

    /** The values of {@code elements} elements of {@code type} starting at {@code byteOffset}, as floats. */
    static float[] decode(TensorType type, MemorySegment src, long byteOffset, int elements) {
        float[] out = new float[elements];
        switch (type) {
            case F32 -> MemorySegment.copy(src, F32, byteOffset, out, 0, elements);
            case I32 -> {
                for (int i = 0; i < elements; i++) out[i] = src.get(I32, byteOffset + 4L * i);
            }
            case F16 -> {
                for (int i = 0; i < elements; i++) out[i] = Fp16.toFloat(src.get(I16, byteOffset + 2L * i));
            }
            case BF16 -> {
                for (int i = 0; i < elements; i++) out[i] = Bf16.toFloat(src.get(I16, byteOffset + 2L * i));
            }
            default -> Dequantize.row(type, src, byteOffset, out, 0, elements);
        }
        return out;
    }
}
