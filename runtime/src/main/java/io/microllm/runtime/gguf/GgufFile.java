package io.microllm.runtime.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF v2/v3 file, memory-mapped read-only and fully validated by {@link #open}. Tensor data stays in the mapping:
 * {@link #data} returns views, so opening a model costs address space, not heap. Close it to unmap; views taken
 * from it are invalid afterwards. Safe to read from several threads.
 *
 * <p>Metadata values are boxed as: u8, i8, u16, i16, i32 → {@link Integer}; u32, i64, u64 → {@link Long} (a u64
 * above {@code Long.MAX_VALUE} comes out negative); f32 → {@link Float}; f64 → {@link Double}; bool → {@link Boolean};
 * string → {@link String}. Arrays: of strings → {@code List<String>}; of u8, i8, u16, i16, i32 → {@code int[]}; of
 * u32, i64, u64 → {@code long[]}; f32 → {@code float[]}; f64 → {@code double[]}; bool → {@code boolean[]}; of arrays →
 * {@code List<Object>}. The arrays in {@link #metadata()} are this file's own: do not modify them (the typed
 * accessors return copies).
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena;
    private final MemorySegment mapping;
    private final GgufParser.Parsed parsed;
    private final Map<String, Object> metadata;
    private final Map<String, GgufTensorInfo> tensorsByName;

    private GgufFile(Path path, Arena arena, MemorySegment mapping, GgufParser.Parsed parsed) {
        this.path = path;
        this.arena = arena;
        this.mapping = mapping;
        this.parsed = parsed;
        Map<String, Object> values = new LinkedHashMap<>();
        parsed.metadata().forEach((key, entry) -> values.put(key, entry.value()));
        this.metadata = Collections.unmodifiableMap(values);
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufTensorInfo t : parsed.tensors()) byName.put(t.name(), t);
        this.tensorsByName = byName;
    }

    /**
     * Maps and validates {@code path}.
     *
     * @throws GgufFormatException if the file is not a well-formed GGUF v2/v3 file, naming the problem and its offset
     * @throws IOException         if it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        if (Files.isDirectory(path)) throw new GgufFormatException(path, 0, "is a directory, not a GGUF file");
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, mapping, GgufParser.parse(path, mapping));
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    public Path path() { return path; }

    /** GGUF version: 2 or 3. */
    public int version() { return parsed.version(); }

    /** Tensor data alignment in bytes ({@code general.alignment}, default 32). */
    public int alignment() { return parsed.alignment(); }

    /** File offset of the tensor-data section; tensor offsets are relative to it. */
    public long dataOffset() { return parsed.dataOffset(); }

    /** All metadata in file order (unmodifiable). */
    public Map<String, Object> metadata() { return metadata; }

    public boolean has(String key) { return metadata.containsKey(key); }

    public Optional<Object> find(String key) { return Optional.ofNullable(metadata.get(key)); }

    /** The stored type of {@code key}'s value. */
    public GgufValueType typeOf(String key) { return entry(key).type(); }

    public String getString(String key) {
        return switch (require(key)) {
            case String s -> s;
            default -> throw wrongType(key, "a string");
        };
    }

    /** An integer of any stored width, if the value fits in an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) throw new IllegalArgumentException("metadata '" + key + "' = " + v + " does not fit in an int");
        return (int) v;
    }

    /** An integer of any stored width (a u64 above {@code Long.MAX_VALUE} comes out negative). */
    public long getLong(String key) {
        return switch (require(key)) {
            case Integer i -> i;
            case Long l -> l;
            default -> throw wrongType(key, "an integer");
        };
    }

    /** An f32, or an f64 rounded to float. */
    public float getFloat(String key) {
        return switch (require(key)) {
            case Float f -> f;
            case Double d -> d.floatValue();
            default -> throw wrongType(key, "a floating-point number");
        };
    }

    public boolean getBoolean(String key) {
        return switch (require(key)) {
            case Boolean b -> b;
            default -> throw wrongType(key, "a bool");
        };
    }

    /** An array of strings (unmodifiable). */
    @SuppressWarnings("unchecked")
    public List<String> getStrings(String key) {
        GgufParser.Entry e = entry(key);
        if (e.elementType() != GgufValueType.STRING) throw wrongType(key, "an array of strings");
        return (List<String>) e.value();
    }

    /** A copy of an f32 array. */
    public float[] getFloats(String key) {
        return switch (require(key)) {
            case float[] f -> f.clone();
            default -> throw wrongType(key, "an array of f32");
        };
    }

    /** A copy of an integer array of any width, if every element fits in an int. */
    public int[] getInts(String key) {
        return switch (require(key)) {
            case int[] v -> v.clone();
            case long[] v -> {
                int[] ints = new int[v.length];
                for (int i = 0; i < v.length; i++) {
                    if (v[i] != (int) v[i]) {
                        throw new IllegalArgumentException("metadata '" + key + "' element " + i + " = " + v[i] + " does not fit in an int");
                    }
                    ints[i] = (int) v[i];
                }
                yield ints;
            }
            default -> throw wrongType(key, "an array of integers");
        };
    }

    /** Tensor infos in file order. */
    public List<GgufTensorInfo> tensors() { return parsed.tensors(); }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensorsByName.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "' in " + path);
        return t;
    }

    public Optional<GgufTensorInfo> findTensor(String name) { return Optional.ofNullable(tensorsByName.get(name)); }

    /** A read-only view of the tensor's bytes (GGUF layout) inside the mapping; valid until {@link #close}. */
    public MemorySegment data(GgufTensorInfo t) {
        if (!t.equals(tensorsByName.get(t.name()))) throw new IllegalArgumentException("tensor " + t + " is not from " + path);
        if (!arena.scope().isAlive()) throw new IllegalStateException(path + " is closed");
        return mapping.asSlice(parsed.dataOffset() + t.offset(), t.byteSize()).asReadOnly();
    }

    /** Unmaps the file; idempotent. */
    @Override
    public synchronized void close() {
        if (arena.scope().isAlive()) arena.close();
    }

    /** The encoded bytes of {@code key}'s value (type id, then value), for copying it into a {@link GgufWriter}. */
    byte[] encodedValue(String key) {
        GgufParser.Entry e = entry(key);
        return mapping.asSlice(e.typeOffset(), e.end() - e.typeOffset()).toArray(ValueLayout.JAVA_BYTE);
    }

    private GgufParser.Entry entry(String key) {
        GgufParser.Entry e = parsed.metadata().get(key);
        if (e == null) throw new IllegalArgumentException("missing metadata key '" + key + "' in " + path);
        return e;
    }

    private Object require(String key) { return entry(key).value(); }

    private IllegalArgumentException wrongType(String key, String expected) {
        GgufParser.Entry e = entry(key);
        String stored = e.type() == GgufValueType.ARRAY ? "an array of " + e.elementType() : "a " + e.type();
        return new IllegalArgumentException("metadata '" + key + "' is " + stored + ", not " + expected + " (" + path + ")");
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + metadata.size() + " keys, " + tensorsByName.size() + " tensors]";
    }
}
