package io.microllm.runtime.gguf;

import io.microllm.spi.TensorType;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Builds a GGUF v3 file: metadata of every value type, then tensors, each aligned to {@code general.alignment}
 * (default 32; set it with {@code putUInt32("general.alignment", n)}). Putting a key that is already present
 * replaces its value and keeps its position, so metadata copied from another file can be overridden.
 * Tensor bytes are not read before {@link #write}: a {@link MemorySegment} is streamed from where it lies (heap,
 * native or a mapping), and a {@link TensorSource} produces its bytes on demand.
 *
 * <pre>{@code
 * new GgufWriter()
 *     .putString("general.architecture", "llama")
 *     .putUInt32("llama.embedding_length", 256)
 *     .putArray("tokenizer.ggml.tokens", GgufValueType.STRING, tokens)
 *     .addTensor("token_embd.weight", TensorType.Q8_0, new long[] {256, 1024}, bytes)
 *     .write(path);
 * }</pre>
 */
public final class GgufWriter {
    /** Writes a tensor's bytes, exactly its byte size, in GGUF layout. */
    @FunctionalInterface
    public interface TensorSource {
        void writeTo(OutputStream out) throws IOException;
    }

    private record PendingTensor(String name, TensorType type, long[] ne, long byteSize, MemorySegment segment, TensorSource source) {}

    private static final int MAGIC = 0x46554747;
    private static final int VERSION = 3;
    private static final int COPY_CHUNK = 1 << 20;

    private final Map<String, byte[]> metadata = new LinkedHashMap<>();
    private final Map<String, PendingTensor> tensors = new LinkedHashMap<>();
    private int alignment = GgufParser.DEFAULT_ALIGNMENT;

    public GgufWriter putUInt8(String key, int value) { return putInt(key, GgufValueType.UINT8, value); }

    public GgufWriter putInt8(String key, int value) { return putInt(key, GgufValueType.INT8, value); }

    public GgufWriter putUInt16(String key, int value) { return putInt(key, GgufValueType.UINT16, value); }

    public GgufWriter putInt16(String key, int value) { return putInt(key, GgufValueType.INT16, value); }

    public GgufWriter putInt32(String key, int value) { return putInt(key, GgufValueType.INT32, value); }

    /** A u32 in {@code [0, 2^32)}. */
    public GgufWriter putUInt32(String key, long value) {
        checkRange(key, GgufValueType.UINT32, value);
        if (GgufParser.ALIGNMENT_KEY.equals(key)) alignment = checkAlignment(value);
        return put(key, GgufValueType.UINT32, b -> b.u32((int) value));
    }

    /** A u64 given as its 64 bits (values above {@code Long.MAX_VALUE} are negative longs). */
    public GgufWriter putUInt64(String key, long value) { return put(key, GgufValueType.UINT64, b -> b.u64(value)); }

    public GgufWriter putInt64(String key, long value) { return put(key, GgufValueType.INT64, b -> b.u64(value)); }

    public GgufWriter putFloat32(String key, float value) { return put(key, GgufValueType.FLOAT32, b -> b.f32(value)); }

    public GgufWriter putFloat64(String key, double value) { return put(key, GgufValueType.FLOAT64, b -> b.f64(value)); }

    public GgufWriter putBool(String key, boolean value) { return put(key, GgufValueType.BOOL, b -> b.u8(value ? 1 : 0)); }

    public GgufWriter putString(String key, String value) {
        Objects.requireNonNull(value, key);
        return put(key, GgufValueType.STRING, b -> b.string(value));
    }

    /**
     * An array. {@code values} must be, by element type: {@code int[]} for UINT8, INT8, UINT16, INT16, INT32 (each
     * element in range); {@code long[]} for UINT32 (in range), UINT64, INT64; {@code float[]} for FLOAT32;
     * {@code double[]} for FLOAT64; {@code boolean[]} for BOOL; a {@code List<String>} for STRING; a {@code List} of
     * arrays for ARRAY, where each inner array is stored as the natural type of its Java type ({@code int[]} INT32,
     * {@code long[]} INT64, {@code float[]} FLOAT32, {@code double[]} FLOAT64, {@code boolean[]} BOOL, a list of
     * strings (or an empty list) STRING, any other list ARRAY). This matches what {@link GgufFile} reads back.
     */
    public GgufWriter putArray(String key, GgufValueType elementType, Object values) {
        Objects.requireNonNull(elementType, "elementType");
        Objects.requireNonNull(values, key);
        LittleEndianBuffer b = new LittleEndianBuffer();
        encodeArray(b, key, elementType, values, 1);
        return putEncoded(key, GgufValueType.ARRAY, b.toByteArray());
    }

    /** Copies {@code key}'s value from {@code source} exactly, with its stored type. */
    public GgufWriter copy(GgufFile source, String key) {
        if (GgufParser.ALIGNMENT_KEY.equals(key)) alignment = source.alignment();
        byte[] encoded = source.encodedValue(key);
        metadata.put(checkKey(key), encoded);
        return this;
    }

    /** Copies every metadata key of {@code source}, in its order. */
    public GgufWriter copyMetadata(GgufFile source) {
        for (String key : source.metadata().keySet()) copy(source, key);
        return this;
    }

    /** A tensor whose {@code data} (GGUF layout, exactly the tensor's byte size) is streamed at {@link #write}. */
    public GgufWriter addTensor(String name, TensorType type, long[] ne, MemorySegment data) {
        checkNewTensor(name);
        long byteSize = checkTensor(name, type, ne);
        if (data.byteSize() != byteSize) {
            throw new IllegalArgumentException("tensor '" + name + "' needs " + byteSize + " bytes of " + type + " data, got " + data.byteSize());
        }
        tensors.put(name, new PendingTensor(name, type, ne.clone(), byteSize, data, null));
        return this;
    }

    /** A tensor whose bytes {@code source} writes at {@link #write}; it must write exactly the tensor's byte size. */
    public GgufWriter addTensor(String name, TensorType type, long[] ne, TensorSource source) {
        Objects.requireNonNull(source, name);
        checkNewTensor(name);
        long byteSize = checkTensor(name, type, ne);
        tensors.put(name, new PendingTensor(name, type, ne.clone(), byteSize, null, source));
        return this;
    }

    /** Writes the file: first to a sibling {@code .partial} file, then moved over {@code file}. */
    public void write(Path file) throws IOException {
        LittleEndianBuffer header = header();
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(partial), COPY_CHUNK)) {
                header.writeTo(out);
                for (PendingTensor t : tensors.values()) {
                    if (t.segment() != null) writeSegment(t.segment(), out);
                    else writeFromSource(t, out);
                    out.write(new byte[(int) (GgufParser.alignUp(t.byteSize(), alignment) - t.byteSize())]);
                }
            }
            moveOver(partial, file);
        } catch (IOException | RuntimeException | Error e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    /** Readers never see a half-written file, and a file mapped by an open GgufFile keeps its old contents. */
    private static void moveOver(Path partial, Path file) throws IOException {
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private LittleEndianBuffer header() {
        LittleEndianBuffer b = new LittleEndianBuffer();
        b.u32(MAGIC);
        b.u32(VERSION);
        b.u64(tensors.size());
        b.u64(metadata.size());
        metadata.forEach((key, encoded) -> {
            b.string(key);
            b.bytes(encoded);
        });
        long offset = 0;
        for (PendingTensor t : tensors.values()) {
            b.string(t.name());
            b.u32(t.ne().length);
            for (long d : t.ne()) b.u64(d);
            b.u32(t.type().ggufId());
            b.u64(offset);
            offset = GgufParser.alignUp(offset + t.byteSize(), alignment);
        }
        b.padTo(alignment);
        return b;
    }

    private static void writeSegment(MemorySegment data, OutputStream out) throws IOException {
        byte[] chunk = new byte[(int) Math.min(COPY_CHUNK, data.byteSize())];
        for (long at = 0; at < data.byteSize(); at += chunk.length) {
            int n = (int) Math.min(chunk.length, data.byteSize() - at);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private static void writeFromSource(PendingTensor t, OutputStream out) throws IOException {
        var counted = new FilterOutputStream(out) {
            long written;

            @Override
            public void write(int b) throws IOException { write(new byte[] {(byte) b}, 0, 1); }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (written + len > t.byteSize()) throw tooMuch(written + len);
                written += len;
                out.write(b, off, len);
            }

            @Override
            public void close() { } // the file stream is not the source's to close

            private IllegalStateException tooMuch(long n) {
                return new IllegalStateException("source of tensor '" + t.name() + "' wrote " + n + " bytes or more, expected " + t.byteSize());
            }
        };
        t.source().writeTo(counted);
        if (counted.written != t.byteSize()) {
            throw new IllegalStateException("source of tensor '" + t.name() + "' wrote " + counted.written + " bytes, expected " + t.byteSize());
        }
    }

    private GgufWriter put(String key, GgufValueType type, Consumer<LittleEndianBuffer> value) {
        LittleEndianBuffer b = new LittleEndianBuffer();
        value.accept(b);
        return putEncoded(key, type, b.toByteArray());
    }

    private GgufWriter putEncoded(String key, GgufValueType type, byte[] value) {
        if (GgufParser.ALIGNMENT_KEY.equals(key) && type != GgufValueType.UINT32) {
            throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be a uint32, got " + type);
        }
        byte[] encoded = new byte[4 + value.length];
        encoded[0] = (byte) type.id(); // ids are below 13: the other three bytes stay zero
        System.arraycopy(value, 0, encoded, 4, value.length);
        metadata.put(checkKey(key), encoded);
        return this;
    }

    private GgufWriter putInt(String key, GgufValueType type, int value) {
        checkRange(key, type, value);
        return put(key, type, b -> {
            switch (type) {
                case UINT8, INT8 -> b.u8(value);
                case UINT16, INT16 -> b.u16(value);
                default -> b.u32(value);
            }
        });
    }

    private static void checkRange(String key, GgufValueType type, long value) {
        long min, max;
        switch (type) {
            case UINT8 -> { min = 0; max = 0xFF; }
            case INT8 -> { min = Byte.MIN_VALUE; max = Byte.MAX_VALUE; }
            case UINT16 -> { min = 0; max = 0xFFFF; }
            case INT16 -> { min = Short.MIN_VALUE; max = Short.MAX_VALUE; }
            case UINT32 -> { min = 0; max = 0xFFFF_FFFFL; }
            case INT32 -> { min = Integer.MIN_VALUE; max = Integer.MAX_VALUE; }
            default -> { return; }
        }
        if (value < min || value > max) throw new IllegalArgumentException(key + ": " + value + " is out of range for " + type);
    }

    private static int checkAlignment(long value) {
        if (value == 0 || (value & (value - 1)) != 0 || value > 1 << 30) {
            throw new IllegalArgumentException(GgufParser.ALIGNMENT_KEY + " must be a power of two up to 2^30, got " + value);
        }
        return (int) value;
    }

    private static String checkKey(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("metadata key must not be empty");
        return key;
    }

    private static long checkTensor(String name, TensorType type, long[] ne) {
        Objects.requireNonNull(type, name);
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("tensor name must not be empty");
        int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (nameBytes > GgufParser.MAX_TENSOR_NAME_BYTES) {
            throw new IllegalArgumentException("tensor name '" + name + "' is " + nameBytes + " bytes, more than " + GgufParser.MAX_TENSOR_NAME_BYTES);
        }
        if (ne.length < 1 || ne.length > 4) throw new IllegalArgumentException("tensor '" + name + "' needs 1 to 4 dimensions, got " + ne.length);
        long elements = 1;
        for (long d : ne) {
            if (d < 1) throw new IllegalArgumentException("tensor '" + name + "' has a dimension < 1: " + Arrays.toString(ne));
            elements = Math.multiplyExact(elements, d);
        }
        if (ne[0] % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "' row length " + ne[0] + " is not a multiple of " + type + "'s block size " + type.blockSize());
        }
        return Math.multiplyExact(elements / type.blockSize(), (long) type.blockBytes());
    }

    private void checkNewTensor(String name) {
        if (tensors.containsKey(name)) throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
    }

    private static void encodeArray(LittleEndianBuffer b, String key, GgufValueType elementType, Object values, int depth) {
        if (depth > GgufParser.MAX_ARRAY_NESTING) {
            throw new IllegalArgumentException(key + ": arrays nested more than " + GgufParser.MAX_ARRAY_NESTING + " deep");
        }
        b.u32(elementType.id());
        switch (elementType) {
            case UINT8, INT8, UINT16, INT16, INT32 -> {
                int[] v = cast(key, elementType, values, int[].class);
                b.u64(v.length);
                for (int i = 0; i < v.length; i++) {
                    checkRange(key + "[" + i + "]", elementType, v[i]);
                    switch (elementType) {
                        case UINT8, INT8 -> b.u8(v[i]);
                        case UINT16, INT16 -> b.u16(v[i]);
                        default -> b.u32(v[i]);
                    }
                }
            }
            case UINT32, UINT64, INT64 -> {
                long[] v = cast(key, elementType, values, long[].class);
                b.u64(v.length);
                for (int i = 0; i < v.length; i++) {
                    checkRange(key + "[" + i + "]", elementType, v[i]);
                    if (elementType == GgufValueType.UINT32) b.u32((int) v[i]);
                    else b.u64(v[i]);
                }
            }
            case FLOAT32 -> {
                float[] v = cast(key, elementType, values, float[].class);
                b.u64(v.length);
                for (float f : v) b.f32(f);
            }
            case FLOAT64 -> {
                double[] v = cast(key, elementType, values, double[].class);
                b.u64(v.length);
                for (double d : v) b.f64(d);
            }
            case BOOL -> {
                boolean[] v = cast(key, elementType, values, boolean[].class);
                b.u64(v.length);
                for (boolean x : v) b.u8(x ? 1 : 0);
            }
            case STRING -> {
                List<?> v = cast(key, elementType, values, List.class);
                b.u64(v.size());
                for (Object s : v) {
                    if (!(s instanceof String str)) throw new IllegalArgumentException(key + ": a STRING array holds " + s);
                    b.string(str);
                }
            }
            case ARRAY -> {
                List<?> v = cast(key, elementType, values, List.class);
                b.u64(v.size());
                for (Object inner : v) encodeArray(b, key, naturalType(key, inner), inner, depth + 1);
            }
        }
    }

    private static GgufValueType naturalType(String key, Object array) {
        return switch (array) {
            case int[] _ -> GgufValueType.INT32;
            case long[] _ -> GgufValueType.INT64;
            case float[] _ -> GgufValueType.FLOAT32;
            case double[] _ -> GgufValueType.FLOAT64;
            case boolean[] _ -> GgufValueType.BOOL;
            case List<?> list when list.stream().allMatch(e -> e instanceof String) -> GgufValueType.STRING;
            case List<?> _ -> GgufValueType.ARRAY;
            case null, default -> throw new IllegalArgumentException(key + ": cannot store " + array + " as a GGUF array");
        };
    }

    private static <T> T cast(String key, GgufValueType elementType, Object values, Class<T> expected) {
        if (!expected.isInstance(values)) {
            throw new IllegalArgumentException(key + ": an array of " + elementType + " needs a " + expected.getSimpleName()
                    + ", got " + values.getClass().getSimpleName());
        }
        return expected.cast(values);
    }
}
