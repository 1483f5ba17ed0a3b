package io.microllm.conformance;

import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A case's input bytes, made once from its seed and handed to the reference and to the backend alike, so a
 * comparison measures kernel error, never quantization error (quantized inputs are quantized random floats).
 */
final class HostData {
    /** Values generated and quantized per chunk: bounds the float scratch for vocab-sized tables. */
    private static final int CHUNK_ELEMENTS = 1 << 20;

    private final long seed;
    private final Map<String, MemorySegment> made = new HashMap<>();

    HostData(long seed) { this.seed = seed; }

    /**
     * The bytes of input {@code name} in GGUF layout. Native memory from an automatic arena: a backend that keeps an
     * uploaded weight in place holds the segment and so keeps it alive, as {@code Backend.upload} requires.
     */
    MemorySegment bytes(String name, TensorType type, Shape shape, Fill fill) {
        MemorySegment known = made.get(name);
        if (known != null) {
            if (known.byteSize() != type.bytes(shape.elements())) {
                throw new IllegalStateException("input '" + name + "' requested with two different sizes");
            }
            return known;
        }
        MemorySegment data = Arena.ofAuto().allocate(type.bytes(shape.elements()), 64);
        var random = new SplittableRandom(seed * 31 + name.hashCode());
        int rowsPerChunk = Math.max(1, CHUNK_ELEMENTS / shape.cols());
        long rowBytes = type.bytes(shape.cols());
        for (int row = 0; row < shape.rows(); row += rowsPerChunk) {
            int rows = Math.min(rowsPerChunk, shape.rows() - row);
            float[] values = new float[rows * shape.cols()];
            fill.fill(random, values, row, shape.cols());
            Codec.encode(type, values, data, row * rowBytes);
        }
        made.put(name, data);
        return data;
    }

    /** The seed of one case: the suite's seed mixed with the case id, so cases do not share streams. */
    static long caseSeed(long suiteSeed, String caseId) {
        return new SplittableRandom(suiteSeed ^ ((long) caseId.hashCode() << 32 | caseId.length())).nextLong() >>> 1;
    }
}
