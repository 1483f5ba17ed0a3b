package io.microllm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A corpus of deliberately broken files, each a patched copy of {@link GgufTestSupport#smallValidFile} (or, where
 * the writer cannot produce the shape, built byte by byte): each must fail with a GgufFormatException that names
 * the problem and the offset of the bad field.
 */
class GgufBrokenFilesTest {
    private static final long TWO_TO_40 = 1L << 40;

    @TempDir
    Path dir;
    private byte[] valid;

    @BeforeEach
    void writeValidFile() throws IOException {
        valid = GgufTestSupport.smallValidFile(dir);
    }

    /** Offsets of one metadata entry: [u64 key length][key][u32 type][value]. */
    private int keyLengthAt(String key) { return GgufTestSupport.indexOf(valid, key) - 8; }

    private int typeAt(String key) { return GgufTestSupport.indexOf(valid, key) + key.length(); }

    private int valueAt(String key) { return typeAt(key) + 4; }

    /** Offsets of one tensor info: [u64 name length][name][u32 n_dims][u64 ne...][u32 type][u64 offset]. */
    private int nDimsAt(String tensor) { return GgufTestSupport.indexOf(valid, tensor) + tensor.length(); }

    private int neAt(String tensor, int d) { return nDimsAt(tensor) + 4 + 8 * d; }

    private int tensorTypeAt(String tensor, int nDims) { return neAt(tensor, nDims); }

    private int tensorOffsetAt(String tensor, int nDims) { return tensorTypeAt(tensor, nDims) + 4; }

    private GgufFormatException assertBroken(byte[] bytes, long offset, String... fragments) {
        Path file = dir.resolve("broken.gguf");
        GgufFormatException e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            Files.write(file, bytes);
            return assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close());
        });
        for (String fragment : fragments) {
            assertTrue(e.getMessage().contains(fragment), () -> "message '" + e.getMessage() + "' lacks '" + fragment + "'");
        }
        assertEquals(offset, e.offset(), e.getMessage());
        assertTrue(e.getMessage().contains("at byte offset " + offset + " of " + file), e.getMessage());
        return e;
    }

    private byte[] patched(Consumer<byte[]> patch) {
        byte[] copy = valid.clone();
        patch.accept(copy);
        return copy;
    }

    @Test
    void theUnpatchedFileLoads() throws IOException {
        Path file = dir.resolve("small-valid.gguf");
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(64, f.alignment());
            assertEquals(4, f.tensors().size());
            assertEquals(200, f.getInt("k.u8"));
        }
    }

    @Test
    void headerProblems() {
        assertBroken(new byte[0], 0, "empty file");
        assertBroken(Arrays.copyOf(valid, 3), 0, "only 3 bytes");
        assertBroken(patched(b -> b[3] = 'X'), 0, "bad magic");
        assertBroken(patched(b -> GgufTestSupport.putU32(b, 4, 1)), 4, "GGUF version 1 is not supported");
        assertBroken(patched(b -> GgufTestSupport.putU32(b, 4, 7)), 4, "unsupported GGUF version 7");
        assertBroken(patched(b -> GgufTestSupport.putU32(b, 4, 0x0300_0000)), 4, "big-endian");
        assertBroken(Arrays.copyOf(valid, 12), 8, "file ends inside tensor count: it needs 8 bytes but only 4 are left");
        assertBroken(Arrays.copyOf(valid, 20), 8, "tensor count 4 cannot fit in the 4 bytes left in the file (each takes at least 32)");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, 8, TWO_TO_40)), 8, "tensor count 1099511627776 cannot fit");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, 16, TWO_TO_40)), 16, "metadata key/value count 1099511627776 cannot fit");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, 16, -1)), 16, "metadata key/value count 18446744073709551615 cannot fit");
    }

    @Test
    void version2ReadsLikeVersion3() throws IOException {
        Path file = dir.resolve("v2.gguf");
        Files.write(file, patched(b -> GgufTestSupport.putU32(b, 4, 2)));
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(2, f.version());
            assertEquals(4, f.tensors().size());
        }
    }

    @Test
    void metadataProblems() {
        assertBroken(patched(b -> GgufTestSupport.putU64(b, keyLengthAt("k.u8"), TWO_TO_40)), keyLengthAt("k.u8"),
                "metadata key length 1099511627776 exceeds the");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, valueAt("general.architecture"), TWO_TO_40)), valueAt("general.architecture"),
                "metadata 'general.architecture' length 1099511627776 exceeds the");
        assertBroken(patched(b -> GgufTestSupport.putU32(b, typeAt("k.i64"), 99)), typeAt("k.i64"),
                "metadata 'k.i64' value type has unknown id 99");
        assertBroken(patched(b -> GgufTestSupport.putU32(b, valueAt("k.floats"), 13)), valueAt("k.floats"),
                "array element type has unknown id 13");
        assertBroken(patched(b -> b["k.dup.b".length() - 1 + GgufTestSupport.indexOf(b, "k.dup.b")] = 'a'), keyLengthAt("k.dup.b"),
                "duplicate metadata key 'k.dup.a'");
        assertBroken(patched(b -> b[valueAt("k.flag")] = 2), valueAt("k.flag"), "bool with byte value 2");
        assertBroken(patched(b -> GgufTestSupport.putU32(b, typeAt("general.alignment"), GgufValueType.INT32.id())),
                typeAt("general.alignment"), "general.alignment must be a uint32");
        for (long alignment : new long[] {0, 48, 1L << 31}) {
            assertBroken(patched(b -> GgufTestSupport.putU32(b, valueAt("general.alignment"), alignment)), valueAt("general.alignment"),
                    "general.alignment must be a power of two up to 2^30, got " + alignment);
        }
    }

    @Test
    void arrayCountsOf2To40FailFastWithoutAllocating() {
        for (String key : new String[] {"k.floats", "k.strings", "k.nested"}) {
            int countAt = valueAt(key) + 4;
            assertBroken(patched(b -> GgufTestSupport.putU64(b, countAt, TWO_TO_40)), countAt,
                    "metadata '" + key + "' array element count 1099511627776 cannot fit in the");
        }
        int innerCountAt = valueAt("k.nested") + 12 + 4; // first inner array: element type, then its count
        assertBroken(patched(b -> GgufTestSupport.putU64(b, innerCountAt, TWO_TO_40)), innerCountAt, "element count 1099511627776 cannot fit");
    }

    @Test
    void arraysNestedTooDeep() {
        LittleEndianBuffer b = header(0, 1);
        b.string("deep");
        b.u32(GgufValueType.ARRAY.id());
        for (int level = 0; level < GgufParser.MAX_ARRAY_NESTING; level++) {
            b.u32(GgufValueType.ARRAY.id());
            b.u64(1);
        }
        // The value is array level 1 and each ARRAY element type opens one more, so this element type belongs to level 9.
        int level9ElementTypeAt = b.size();
        b.u32(GgufValueType.INT32.id());
        b.u64(0);
        assertBroken(b.toByteArray(), level9ElementTypeAt, "nests arrays more than 8 deep");
    }

    @Test
    void tensorInfoProblems() {
        int lastNameAt = GgufTestSupport.indexOf(valid, "tensor.last");
        assertBroken(patched(b -> System.arraycopy("half".getBytes(StandardCharsets.US_ASCII), 0, b, lastNameAt + "tensor.".length(), 4)),
                lastNameAt - 8, "duplicate tensor name 'tensor.half'");
        for (long nDims : new long[] {0, 5}) {
            assertBroken(patched(b -> GgufTestSupport.putU32(b, nDimsAt("tensor.quant"), nDims)), nDimsAt("tensor.quant"),
                    "tensor 'tensor.quant' has n_dims " + nDims + ", expected 1 to 4");
        }
        assertBroken(patched(b -> GgufTestSupport.putU64(b, neAt("tensor.quant", 1), 0)), neAt("tensor.quant", 1),
                "tensor 'tensor.quant' has ne[1] = 0");
        assertBroken(patched(b -> {
            GgufTestSupport.putU64(b, neAt("tensor.half", 1), 1L << 32);
            GgufTestSupport.putU64(b, neAt("tensor.half", 2), 1L << 32);
        }), neAt("tensor.half", 2), "tensor 'tensor.half' element count overflows");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, neAt("tensor.last", 0), 1L << 62)), nDimsAt("tensor.last"),
                "tensor 'tensor.last' byte size overflows");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, neAt("tensor.quant", 0), 48)), neAt("tensor.quant", 0),
                "tensor 'tensor.quant' row length ne[0] = 48 is not a multiple of Q8_0's block size 32");
        for (int unknownType : new int[] {4, 23, 31, Integer.MAX_VALUE}) {
            assertBroken(patched(b -> GgufTestSupport.putU32(b, tensorTypeAt("tensor.quant", 2), unknownType)), tensorTypeAt("tensor.quant", 2),
                    "tensor 'tensor.quant' has unknown tensor type id " + unknownType);
        }
        assertBroken(patched(b -> GgufTestSupport.putU32(b, tensorTypeAt("tensor.quant", 2), -1)), tensorTypeAt("tensor.quant", 2),
                "unknown tensor type id 4294967295");
        assertBroken(tensorNamed("n".repeat(64)), 24, "is 64 bytes, more than the 63 GGUF allows");
    }

    @Test
    void tensorDataProblems() {
        int lastOffsetAt = tensorOffsetAt("tensor.last", 1);
        long lastOffset = GgufTestSupport.getU64(valid, lastOffsetAt);
        assertBroken(patched(b -> GgufTestSupport.putU64(b, lastOffsetAt, lastOffset + 1)), lastOffsetAt,
                "tensor 'tensor.last' data offset " + (lastOffset + 1) + " is not a multiple of the alignment 64");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, lastOffsetAt, lastOffset + 64)), lastOffsetAt,
                "tensor 'tensor.last' (16 bytes at data offset " + (lastOffset + 64) + ", file offset", "runs past the end of the file");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, lastOffsetAt, 1L << 62)), lastOffsetAt, "runs past the end of the file");
        assertBroken(patched(b -> GgufTestSupport.putU64(b, neAt("tensor.last", 0), TWO_TO_40)), lastOffsetAt, "runs past the end of the file");
        int quantOffsetAt = tensorOffsetAt("tensor.quant", 2);
        assertBroken(patched(b -> GgufTestSupport.putU64(b, quantOffsetAt, 0)), quantOffsetAt,
                "tensor 'tensor.quant' at data offset 0 overlaps tensor 'tensor.first' (data offsets 0 to 32)");
        assertBroken(Arrays.copyOf(valid, valid.length - 64), lastOffsetAt, "runs past the end of the file");

        int infosEnd = lastOffsetAt + 8;
        int dataOffset = (int) GgufParser.alignUp(infosEnd, 64);
        assertTrue(infosEnd < dataOffset, "the small file has padding before its data section");
        assertBroken(Arrays.copyOf(valid, infosEnd), infosEnd,
                "file ends at " + infosEnd + ", before the tensor data section, which starts at " + dataOffset);
    }

    private static LittleEndianBuffer header(long tensors, long kvs) {
        LittleEndianBuffer b = new LittleEndianBuffer();
        b.bytes("GGUF".getBytes(StandardCharsets.US_ASCII));
        b.u32(3);
        b.u64(tensors);
        b.u64(kvs);
        return b;
    }

    private static byte[] tensorNamed(String name) {
        LittleEndianBuffer b = header(1, 0);
        b.string(name);
        b.u32(1);
        b.u64(4);
        b.u32(0);
        b.u64(0);
        b.padTo(32);
        b.bytes(new byte[16]);
        return b.toByteArray();
    }
}
