package io.microllm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** GgufWriter output read back by GgufFile, and the typed accessors. */
class GgufWriterTest {
    @TempDir
    Path dir;

    /** Every scalar type (at its extremes), every array element type and nested arrays: key → expected value read back. */
    private static Map<String, Object> writeAllValueTypes(GgufWriter w) {
        w.putUInt8("u8", 255).putInt8("i8", -128).putUInt16("u16", 65535).putInt16("i16", -32768)
                .putUInt32("u32", 0xFFFF_FFFFL).putInt32("i32", Integer.MIN_VALUE).putUInt64("u64", -1L)
                .putInt64("i64", Long.MIN_VALUE).putFloat32("f32", -0.0f).putFloat64("f64", Math.PI)
                .putBool("bool.true", true).putBool("bool.false", false)
                .putString("string", "héllo ✓ 🚀").putString("string.empty", "")
                .putArray("a.u8", GgufValueType.UINT8, new int[] {0, 255})
                .putArray("a.i8", GgufValueType.INT8, new int[] {-128, 127})
                .putArray("a.u16", GgufValueType.UINT16, new int[] {0, 65535})
                .putArray("a.i16", GgufValueType.INT16, new int[] {-32768, 32767})
                .putArray("a.u32", GgufValueType.UINT32, new long[] {0, 0xFFFF_FFFFL})
                .putArray("a.i32", GgufValueType.INT32, new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE})
                .putArray("a.u64", GgufValueType.UINT64, new long[] {0, -1})
                .putArray("a.i64", GgufValueType.INT64, new long[] {Long.MIN_VALUE, Long.MAX_VALUE})
                .putArray("a.f32", GgufValueType.FLOAT32, new float[] {1.5f, Float.NaN, Float.NEGATIVE_INFINITY})
                .putArray("a.f64", GgufValueType.FLOAT64, new double[] {1e300, -0.0})
                .putArray("a.bool", GgufValueType.BOOL, new boolean[] {true, false, true})
                .putArray("a.string", GgufValueType.STRING, List.of("", "ĠĠ", "<|im_end|>", "日本"))
                .putArray("a.empty", GgufValueType.FLOAT32, new float[0])
                .putArray("a.nested", GgufValueType.ARRAY,
                        List.of(new int[] {1, 2}, List.of("x", "y"), new float[] {0.5f}, List.of(new long[] {7}, List.of())));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("u8", 255);
        expected.put("i8", -128);
        expected.put("u16", 65535);
        expected.put("i16", -32768);
        expected.put("u32", 0xFFFF_FFFFL);
        expected.put("i32", Integer.MIN_VALUE);
        expected.put("u64", -1L);
        expected.put("i64", Long.MIN_VALUE);
        expected.put("f32", -0.0f);
        expected.put("f64", Math.PI);
        expected.put("bool.true", true);
        expected.put("bool.false", false);
        expected.put("string", "héllo ✓ 🚀");
        expected.put("string.empty", "");
        expected.put("a.u8", new int[] {0, 255});
        expected.put("a.i8", new int[] {-128, 127});
        expected.put("a.u16", new int[] {0, 65535});
        expected.put("a.i16", new int[] {-32768, 32767});
        expected.put("a.u32", new long[] {0, 0xFFFF_FFFFL});
        expected.put("a.i32", new int[] {Integer.MIN_VALUE, -1, Integer.MAX_VALUE});
        expected.put("a.u64", new long[] {0, -1});
        expected.put("a.i64", new long[] {Long.MIN_VALUE, Long.MAX_VALUE});
        expected.put("a.f32", new float[] {1.5f, Float.NaN, Float.NEGATIVE_INFINITY});
        expected.put("a.f64", new double[] {1e300, -0.0});
        expected.put("a.bool", new boolean[] {true, false, true});
        expected.put("a.string", List.of("", "ĠĠ", "<|im_end|>", "日本"));
        expected.put("a.empty", new float[0]);
        expected.put("a.nested", List.of(new int[] {1, 2}, List.of("x", "y"), new float[] {0.5f}, List.of(new long[] {7}, List.of())));
        return expected;
    }

    private static void assertDeepEquals(Object expected, Object actual, String key) {
        assertTrue(Arrays.deepEquals(new Object[] {normalize(expected)}, new Object[] {normalize(actual)}),
                key + ": expected " + Arrays.deepToString(new Object[] {normalize(expected)}) + " got "
                        + Arrays.deepToString(new Object[] {normalize(actual)}));
    }

    /** Lists as Object[] so Arrays.deepEquals compares primitive arrays inside them by content. */
    private static Object normalize(Object v) {
        return v instanceof List<?> list ? list.stream().map(GgufWriterTest::normalize).toArray() : v;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 32, 64, 4096})
    void everyValueTypeAndTensorsRoundTrip(int alignment) throws IOException {
        GgufWriter w = new GgufWriter();
        if (alignment != 32) w.putUInt32("general.alignment", alignment);
        Map<String, Object> expected = writeAllValueTypes(w);
        Random random = new Random(alignment);
        record Spec(String name, TensorType type, long[] ne, byte[] bytes) {}
        List<Spec> specs = new ArrayList<>();
        for (Object[] s : new Object[][] {
                {"f32", TensorType.F32, new long[] {7}}, {"f16", TensorType.F16, new long[] {16, 3}},
                {"bf16", TensorType.BF16, new long[] {4, 1, 1, 2}}, {"q8_0", TensorType.Q8_0, new long[] {64, 2}},
                {"q4_k", TensorType.Q4_K, new long[] {256, 2}}, {"q6_k", TensorType.Q6_K, new long[] {256}},
                {"i32", TensorType.I32, new long[] {5}}, {"q5_1", TensorType.Q5_1, new long[] {32, 3, 2}}}) {
            long[] ne = (long[]) s[2];
            TensorType type = (TensorType) s[1];
            byte[] bytes = new byte[(int) type.bytes(Arrays.stream(ne).reduce(1, Math::multiplyExact))];
            random.nextBytes(bytes);
            specs.add(new Spec((String) s[0], type, ne, bytes));
        }
        for (int i = 0; i < specs.size(); i++) {
            Spec s = specs.get(i);
            if (i % 2 == 0) w.addTensor(s.name(), s.type(), s.ne(), MemorySegment.ofArray(s.bytes()));
            else w.addTensor(s.name(), s.type(), s.ne(), out -> out.write(s.bytes()));
        }
        Path file = dir.resolve("all.gguf");
        w.write(file);
        assertFalse(Files.exists(dir.resolve("all.gguf.partial")));

        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(3, f.version());
            assertEquals(alignment, f.alignment());
            assertEquals(0, f.dataOffset() % alignment);
            List<String> keys = new ArrayList<>(f.metadata().keySet());
            if (alignment != 32) assertEquals("general.alignment", keys.removeFirst());
            assertEquals(new ArrayList<>(expected.keySet()), keys, "insertion order");
            for (var e : expected.entrySet()) assertDeepEquals(e.getValue(), f.metadata().get(e.getKey()), e.getKey());
            assertEquals(GgufValueType.UINT8, f.typeOf("u8"));
            assertEquals(GgufValueType.UINT64, f.typeOf("u64"));
            assertEquals(GgufValueType.ARRAY, f.typeOf("a.nested"));

            assertEquals(specs.size(), f.tensors().size());
            long previousEnd = 0;
            for (int i = 0; i < specs.size(); i++) {
                Spec s = specs.get(i);
                GgufTensorInfo t = f.tensors().get(i);
                assertEquals(s.name(), t.name());
                assertEquals(s.type(), t.type());
                assertArrayEquals(s.ne(), t.ne());
                assertEquals(0, t.offset() % alignment);
                assertTrue(t.offset() >= previousEnd);
                previousEnd = t.offset() + t.byteSize();
                assertArrayEquals(s.bytes(), f.data(t).toArray(ValueLayout.JAVA_BYTE), s.name());
            }
            assertEquals(GgufParser.alignUp(f.dataOffset() + previousEnd, alignment), Files.size(file), "every tensor padded");
        }
    }

    @Test
    void rewritingAReferenceModelGivesTheSameBytes() throws IOException {
        Path original = GgufTestSupport.testdata().resolve("models/qwen3-peaked-Q4_K.gguf");
        Path copy = dir.resolve("copy.gguf");
        try (GgufFile f = GgufFile.open(original)) {
            GgufWriter w = new GgufWriter().copyMetadata(f);
            for (GgufTensorInfo t : f.tensors()) w.addTensor(t.name(), t.type(), t.ne(), f.data(t));
            w.write(copy);
        }
        assertEquals(-1, Files.mismatch(original, copy), "byte-identical to llama-quantize's output");
    }

    @Test
    void putReplacesAKeyInPlaceAndCopyKeepsTheStoredType() throws IOException {
        Path source = dir.resolve("source.gguf");
        new GgufWriter().putUInt16("width", 7).putString("name", "a").putUInt8("depth", 3).write(source);
        Path target = dir.resolve("target.gguf");
        try (GgufFile f = GgufFile.open(source)) {
            new GgufWriter().copyMetadata(f).putString("name", "b").write(target);
        }
        try (GgufFile f = GgufFile.open(target)) {
            assertEquals(List.of("width", "name", "depth"), List.copyOf(f.metadata().keySet()));
            assertEquals(GgufValueType.UINT16, f.typeOf("width"));
            assertEquals(7, f.getInt("width"));
            assertEquals("b", f.getString("name"));
        }
    }

    @Test
    void writerRejectsBadInputWithClearMessages() {
        GgufWriter w = new GgufWriter();
        assertMessage(IllegalArgumentException.class, "out of range for UINT8", () -> w.putUInt8("k", 256));
        assertMessage(IllegalArgumentException.class, "out of range for INT8", () -> w.putInt8("k", 128));
        assertMessage(IllegalArgumentException.class, "out of range for UINT32", () -> w.putUInt32("k", -1));
        assertMessage(IllegalArgumentException.class, "k[1]: 70000 is out of range for UINT16",
                () -> w.putArray("k", GgufValueType.UINT16, new int[] {1, 70000}));
        assertMessage(IllegalArgumentException.class, "needs a long[]", () -> w.putArray("k", GgufValueType.UINT64, new int[] {1}));
        assertMessage(IllegalArgumentException.class, "power of two", () -> w.putUInt32("general.alignment", 48));
        assertMessage(IllegalArgumentException.class, "must be a uint32", () -> w.putInt32("general.alignment", 64));
        assertMessage(IllegalArgumentException.class, "must not be empty", () -> w.putString("", "x"));
        assertMessage(IllegalArgumentException.class, "nested more than 8 deep", () -> {
            Object nested = List.of(new int[] {1});
            for (int i = 0; i < 8; i++) nested = List.of(nested);
            w.putArray("deep", GgufValueType.ARRAY, nested);
        });
        MemorySegment sixteen = MemorySegment.ofArray(new byte[16]);
        assertMessage(IllegalArgumentException.class, "needs 32 bytes", () -> w.addTensor("t", TensorType.F32, new long[] {8}, sixteen));
        assertMessage(IllegalArgumentException.class, "not a multiple of Q8_0's block size 32",
                () -> w.addTensor("t", TensorType.Q8_0, new long[] {16}, sixteen));
        assertMessage(IllegalArgumentException.class, "1 to 4 dimensions", () -> w.addTensor("t", TensorType.F32, new long[] {1, 1, 1, 1, 4}, sixteen));
        assertMessage(IllegalArgumentException.class, "more than 63", () -> w.addTensor("n".repeat(64), TensorType.F32, new long[] {4}, sixteen));
        w.addTensor("t", TensorType.F32, new long[] {4}, sixteen);
        assertMessage(IllegalArgumentException.class, "duplicate tensor name 't'", () -> w.addTensor("t", TensorType.F32, new long[] {4}, sixteen));
    }

    @Test
    void aSourceWritingTheWrongByteCountFailsAndLeavesNoFile() {
        Path file = dir.resolve("short.gguf");
        GgufWriter shortSource = new GgufWriter().addTensor("t", TensorType.F32, new long[] {4}, out -> out.write(new byte[15]));
        assertMessage(IllegalStateException.class, "wrote 15 bytes, expected 16", () -> shortSource.write(file));
        GgufWriter longSource = new GgufWriter().addTensor("t", TensorType.F32, new long[] {4}, out -> out.write(new byte[17]));
        assertMessage(IllegalStateException.class, "wrote 17 bytes or more, expected 16", () -> longSource.write(file));
        assertFalse(Files.exists(file));
        assertFalse(Files.exists(dir.resolve("short.gguf.partial")));
    }

    @Test
    void typedAccessorsConvertWhenTheValueFitsAndNameTheKeyOtherwise() throws IOException {
        Path file = dir.resolve("typed.gguf");
        new GgufWriter().putUInt32("small", 5).putUInt64("big", 1L << 40).putFloat64("double", 0.25).putString("s", "x")
                .putArray("longs", GgufValueType.UINT32, new long[] {1, 2}).putArray("bigs", GgufValueType.INT64, new long[] {1L << 33})
                .putArray("floats", GgufValueType.FLOAT32, new float[] {1, 2}).write(file);
        try (GgufFile f = GgufFile.open(file)) {
            assertEquals(5, f.getInt("small"));
            assertEquals(1L << 40, f.getLong("big"));
            assertEquals(0.25f, f.getFloat("double"));
            assertArrayEquals(new int[] {1, 2}, f.getInts("longs"));
            assertMessage(IllegalArgumentException.class, "'big' = 1099511627776 does not fit in an int", () -> f.getInt("big"));
            assertMessage(IllegalArgumentException.class, "'bigs' element 0 = 8589934592 does not fit", () -> f.getInts("bigs"));
            assertMessage(IllegalArgumentException.class, "missing metadata key 'nope'", () -> f.getString("nope"));
            assertMessage(IllegalArgumentException.class, "'s' is a STRING, not an integer", () -> f.getLong("s"));
            assertMessage(IllegalArgumentException.class, "'floats' is an array of FLOAT32, not an array of strings", () -> f.getStrings("floats"));
            assertMessage(IllegalArgumentException.class, "'small' is a UINT32, not a bool", () -> f.getBoolean("small"));
            assertTrue(f.find("s").isPresent());
            assertFalse(f.has("nope"));
            f.getFloats("floats")[0] = 99;
            assertEquals(1f, f.getFloats("floats")[0], "accessors return copies");
            assertThrows(UnsupportedOperationException.class, () -> f.metadata().put("x", 1));
        }
    }

    @Test
    void tensorLookupsDataViewsAndClose() throws IOException {
        Path file = dir.resolve("t.gguf");
        new GgufWriter().addTensor("w", TensorType.F16, new long[] {4, 3, 2}, MemorySegment.ofArray(new byte[48])).write(file);
        GgufFile f = GgufFile.open(file);
        GgufTensorInfo t = f.tensor("w");
        assertEquals(Shape.of(6, 4), t.shape());
        assertEquals(24, t.elements());
        t.ne()[0] = 99;
        assertEquals(4, t.ne()[0], "ne() is a copy");
        assertEquals(new GgufTensorInfo("w", TensorType.F16, new long[] {4, 3, 2}, 0, 48), t);
        assertMessage(IllegalArgumentException.class, "no tensor 'x'", () -> f.tensor("x"));
        assertMessage(IllegalArgumentException.class, "is not from", () -> f.data(new GgufTensorInfo("w", TensorType.F16, new long[] {4, 3, 2}, 64, 48)));
        MemorySegment view = f.data(t);
        f.close();
        f.close();
        assertMessage(IllegalStateException.class, "is closed", () -> f.data(t));
        assertThrows(IllegalStateException.class, () -> view.get(ValueLayout.JAVA_BYTE, 0), "views die with the file");
    }

    interface Action {
        void run() throws Exception;
    }

    static void assertMessage(Class<? extends Throwable> type, String fragment, Action action) {
        Throwable thrown = assertThrows(Throwable.class, action::run);
        assertInstanceOf(type, thrown, () -> "expected " + type.getSimpleName() + " but got " + thrown);
        assertTrue(thrown.getMessage().contains(fragment), () -> "message '" + thrown.getMessage() + "' lacks '" + fragment + "'");
    }
}
