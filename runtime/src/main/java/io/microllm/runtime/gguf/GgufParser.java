package io.microllm.runtime.gguf;

import io.microllm.spi.TensorType;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates the header, metadata and tensor infos of a mapped GGUF v2/v3 file. Everything read from the
 * file is checked before it is used: after {@link #parse} succeeds, every tensor lies inside the file.
 */
final class GgufParser {
    static final String ALIGNMENT_KEY = "general.alignment";
    static final int DEFAULT_ALIGNMENT = 32;
    /** ggml's GGML_MAX_NAME is 64 bytes including the terminating NUL. */
    static final int MAX_TENSOR_NAME_BYTES = 63;
    /** llama.cpp reads no nested arrays at all; a few levels are plenty and keep recursion bounded. */
    static final int MAX_ARRAY_NESTING = 8;

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
    private static final long MIN_KV_BYTES = 8 + 4 + 1; // key length, value type, smallest value
    private static final long MIN_TENSOR_INFO_BYTES = 8 + 4 + 8 + 4 + 8; // name length, n_dims, one ne, type, offset

    /** A metadata value and where it is encoded: {@code [typeOffset, end)} covers its type id and value bytes. */
    record Entry(GgufValueType type, GgufValueType elementType, Object value, long typeOffset, long end) {}

    record Parsed(int version, Map<String, Entry> metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset) {}

    private final SegmentReader in;
    private final long fileSize;

    private GgufParser(Path path, MemorySegment file) {
        this.in = new SegmentReader(path, file);
        this.fileSize = file.byteSize();
    }

    static Parsed parse(Path path, MemorySegment file) throws GgufFormatException {
        return new GgufParser(path, file).parse();
    }

    private Parsed parse() throws GgufFormatException {
        int version = header();
        int tensorCount = in.count("tensor count", MIN_TENSOR_INFO_BYTES);
        int kvCount = in.count("metadata key/value count", MIN_KV_BYTES);
        Map<String, Entry> metadata = new LinkedHashMap<>();
        for (int i = 0; i < kvCount; i++) readEntry(metadata);
        int alignment = alignment(metadata);

        List<GgufTensorInfo> tensors = new ArrayList<>(tensorCount);
        long[] offsetFields = new long[tensorCount]; // where each tensor's offset is stored, for error messages
        Map<String, Long> seen = new HashMap<>();
        for (int i = 0; i < tensorCount; i++) {
            long at = in.position();
            GgufTensorInfo t = readTensorInfo(alignment);
            Long previous = seen.putIfAbsent(t.name(), at);
            if (previous != null) throw in.error(at, "duplicate tensor name '" + t.name() + "' (first defined at offset " + previous + ")");
            offsetFields[i] = in.position() - 8;
            tensors.add(t);
        }

        long dataOffset = alignUp(in.position(), alignment);
        if (!tensors.isEmpty()) checkTensorRanges(tensors, offsetFields, dataOffset);
        return new Parsed(version, Collections.unmodifiableMap(metadata), List.copyOf(tensors), alignment, dataOffset);
    }

    private int header() throws GgufFormatException {
        if (fileSize == 0) throw in.error(0, "empty file, not a GGUF file");
        if (fileSize < 4) throw in.error(0, "file is only " + fileSize + " bytes, too short for the GGUF magic");
        int magic = in.i32("magic");
        if (magic != MAGIC) {
            throw in.error(0, String.format("bad magic 0x%08X, expected 'GGUF' (0x%08X little-endian); not a GGUF file", magic, MAGIC));
        }
        long at = in.position();
        int version = in.i32("version");
        if (version == 2 || version == 3) return version;
        if (Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3) {
            throw in.error(at, "big-endian GGUF (version " + Integer.reverseBytes(version) + ") is not supported");
        }
        if (version == 1) throw in.error(at, "GGUF version 1 is not supported (only versions 2 and 3)");
        throw in.error(at, "unsupported GGUF version " + Integer.toUnsignedString(version) + " (only versions 2 and 3)");
    }

    private void readEntry(Map<String, Entry> metadata) throws GgufFormatException {
        long keyAt = in.position();
        String key = in.string("metadata key");
        if (metadata.containsKey(key)) throw in.error(keyAt, "duplicate metadata key '" + key + "'");
        long typeAt = in.position();
        GgufValueType type = valueType("metadata '" + key + "' value type");
        GgufValueType elementType = null;
        Object value;
        if (type == GgufValueType.ARRAY) {
            long elementTypeAt = in.position();
            elementType = valueType("metadata '" + key + "' array element type");
            value = arrayAfterType(key, elementType, elementTypeAt, 1);
        } else {
            value = scalar(type, "metadata '" + key + "'");
        }
        metadata.put(key, new Entry(type, elementType, value, typeAt, in.position()));
    }

    private GgufValueType valueType(String what) throws GgufFormatException {
        long at = in.position();
        long id = in.u32(what);
        GgufValueType type = GgufValueType.byId((int) Math.min(id, Integer.MAX_VALUE));
        if (type == null) throw in.error(at, what + " has unknown id " + id + " (known: 0 to 12)");
        return type;
    }

    private Object scalar(GgufValueType type, String what) throws GgufFormatException {
        return switch (type) {
            case UINT8 -> in.u8(what);
            case INT8 -> in.i8(what);
            case UINT16 -> in.u16(what);
            case INT16 -> in.i16(what);
            case UINT32 -> in.u32(what);
            case INT32 -> in.i32(what);
            case FLOAT32 -> in.f32(what);
            case BOOL -> in.bool(what);
            case STRING -> in.string(what);
            case UINT64, INT64 -> in.i64(what);
            case FLOAT64 -> in.f64(what);
            case ARRAY -> throw new IllegalStateException("arrays are read by array()");
        };
    }

    /** An array whose element type (at {@code elementTypeAt}) was just read; the count and elements follow. */
    private Object arrayAfterType(String key, GgufValueType elementType, long elementTypeAt, int depth)
            throws GgufFormatException {
        if (depth > MAX_ARRAY_NESTING) {
            throw in.error(elementTypeAt, "metadata '" + key + "' nests arrays more than " + MAX_ARRAY_NESTING + " deep");
        }
        String what = "metadata '" + key + "' array";
        int n = in.count(what + " element count", elementType.minBytes());
        return switch (elementType) {
            case UINT8 -> { byte[] b = in.bytes(n, what); int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = Byte.toUnsignedInt(b[i]); yield v; }
            case INT8 -> { byte[] b = in.bytes(n, what); int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = b[i]; yield v; }
            case UINT16 -> { short[] s = in.i16s(n, what); int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = Short.toUnsignedInt(s[i]); yield v; }
            case INT16 -> { short[] s = in.i16s(n, what); int[] v = new int[n]; for (int i = 0; i < n; i++) v[i] = s[i]; yield v; }
            case UINT32 -> { int[] w = in.i32s(n, what); long[] v = new long[n]; for (int i = 0; i < n; i++) v[i] = Integer.toUnsignedLong(w[i]); yield v; }
            case INT32 -> in.i32s(n, what);
            case FLOAT32 -> in.f32s(n, what);
            case UINT64, INT64 -> in.i64s(n, what);
            case FLOAT64 -> in.f64s(n, what);
            case BOOL -> { boolean[] v = new boolean[n]; for (int i = 0; i < n; i++) v[i] = in.bool(what + " element " + i); yield v; }
            case STRING -> {
                String[] v = new String[n];
                for (int i = 0; i < n; i++) v[i] = in.string(what + " element " + i);
                yield Collections.unmodifiableList(Arrays.asList(v));
            }
            case ARRAY -> {
                Object[] v = new Object[n];
                for (int i = 0; i < n; i++) {
                    long innerAt = in.position();
                    GgufValueType inner = valueType(what + " element " + i + " element type");
                    v[i] = arrayAfterType(key, inner, innerAt, depth + 1);
                }
                yield Collections.unmodifiableList(Arrays.asList(v));
            }
        };
    }

    private int alignment(Map<String, Entry> metadata) throws GgufFormatException {
        Entry e = metadata.get(ALIGNMENT_KEY);
        if (e == null) return DEFAULT_ALIGNMENT;
        if (e.type() != GgufValueType.UINT32) {
            throw in.error(e.typeOffset(), ALIGNMENT_KEY + " must be a uint32, got " + e.type());
        }
        long a = (Long) e.value();
        if (a == 0 || (a & (a - 1)) != 0 || a > 1 << 30) {
            throw in.error(e.typeOffset() + 4, ALIGNMENT_KEY + " must be a power of two up to 2^30, got " + a);
        }
        return (int) a;
    }

    private GgufTensorInfo readTensorInfo(int alignment) throws GgufFormatException {
        long nameAt = in.position();
        String name = in.string("tensor name");
        int nameBytes = (int) (in.position() - nameAt - 8);
        if (nameBytes > MAX_TENSOR_NAME_BYTES) {
            throw in.error(nameAt, "tensor name '" + name + "' is " + nameBytes + " bytes, more than the " + MAX_TENSOR_NAME_BYTES + " GGUF allows");
        }
        long dimsAt = in.position();
        long nDims = in.u32("tensor '" + name + "' n_dims");
        if (nDims < 1 || nDims > 4) throw in.error(dimsAt, "tensor '" + name + "' has n_dims " + nDims + ", expected 1 to 4");
        long[] ne = new long[(int) nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            long at = in.position();
            ne[d] = in.i64("tensor '" + name + "' ne[" + d + "]");
            if (ne[d] < 1) {
                throw in.error(at, "tensor '" + name + "' has ne[" + d + "] = " + Long.toUnsignedString(ne[d]) + ", expected at least 1");
            }
            try {
                elements = Math.multiplyExact(elements, ne[d]);
            } catch (ArithmeticException overflow) {
                throw in.error(at, "tensor '" + name + "' element count overflows a 64-bit integer at ne[" + d + "] = " + ne[d]);
            }
        }
        long typeAt = in.position();
        long typeId = in.u32("tensor '" + name + "' type");
        TensorType type = TensorType.byGgufId((int) Math.min(typeId, Integer.MAX_VALUE));
        if (type == null) throw in.error(typeAt, "tensor '" + name + "' has unknown tensor type id " + typeId);
        if (ne[0] % type.blockSize() != 0) {
            throw in.error(dimsAt + 4, "tensor '" + name + "' row length ne[0] = " + ne[0] + " is not a multiple of "
                    + type + "'s block size " + type.blockSize());
        }
        long byteSize;
        try {
            byteSize = Math.multiplyExact(elements / type.blockSize(), (long) type.blockBytes());
        } catch (ArithmeticException overflow) {
            throw in.error(dimsAt, "tensor '" + name + "' byte size overflows a 64-bit integer (" + elements + " elements of " + type + ")");
        }
        long offsetAt = in.position();
        long offset = in.i64("tensor '" + name + "' data offset");
        if (offset < 0 || offset % alignment != 0) {
            throw in.error(offsetAt, "tensor '" + name + "' data offset " + Long.toUnsignedString(offset)
                    + " is not a multiple of the alignment " + alignment);
        }
        return new GgufTensorInfo(name, type, ne, offset, byteSize);
    }

    /** Every tensor must lie inside the data section, and no two may share bytes. */
    private void checkTensorRanges(List<GgufTensorInfo> tensors, long[] offsetFields, long dataOffset) throws GgufFormatException {
        if (dataOffset > fileSize) {
            throw in.error(in.position(), "file ends at " + fileSize + ", before the tensor data section, which starts at " + dataOffset);
        }
        long dataSize = fileSize - dataOffset;
        for (int i = 0; i < tensors.size(); i++) {
            GgufTensorInfo t = tensors.get(i);
            if (t.offset() > dataSize || t.byteSize() > dataSize - t.offset()) {
                throw in.error(offsetFields[i], "tensor '" + t.name() + "' (" + t.byteSize() + " bytes at data offset " + t.offset()
                        + ", file offset " + (dataOffset + t.offset()) + ") runs past the end of the file (" + fileSize + " bytes)");
            }
        }
        Integer[] byOffset = new Integer[tensors.size()];
        for (int i = 0; i < byOffset.length; i++) byOffset[i] = i;
        Arrays.sort(byOffset, Comparator.comparingLong(i -> tensors.get(i).offset()));
        for (int k = 1; k < byOffset.length; k++) {
            GgufTensorInfo before = tensors.get(byOffset[k - 1]);
            GgufTensorInfo t = tensors.get(byOffset[k]);
            if (t.offset() < before.offset() + before.byteSize()) {
                throw in.error(offsetFields[byOffset[k]], "tensor '" + t.name() + "' at data offset " + t.offset() + " overlaps tensor '"
                        + before.name() + "' (data offsets " + before.offset() + " to " + (before.offset() + before.byteSize()) + ")");
            }
        }
    }

    static long alignUp(long position, long alignment) {
        return (position + alignment - 1) / alignment * alignment;
    }
}
