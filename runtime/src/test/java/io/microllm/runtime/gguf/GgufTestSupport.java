package io.microllm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.microllm.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** Test data shared by the GGUF tests: the reference kit and a small valid file with every kind of field. */
final class GgufTestSupport {
    private GgufTestSupport() {}

    /** /work/shared/testdata (made with llama.cpp; see its README.md), passed in by Surefire. */
    static Path testdata() {
        String dir = System.getProperty("microllm.shared.dir");
        if (dir == null) fail("system property microllm.shared.dir is not set (Surefire sets it to <repo>/../shared)");
        Path testdata = Path.of(dir, "testdata");
        assertTrue(Files.isDirectory(testdata), "reference test data missing: " + testdata);
        return testdata;
    }

    /**
     * A small valid GGUF with metadata of several kinds and 4 tensors, general.alignment 64. The broken-file and
     * fuzz tests patch copies of it; key and tensor names are unique byte strings so fields can be located by search.
     */
    static byte[] smallValidFile(Path dir) throws IOException {
        Random random = new Random(42);
        Path file = dir.resolve("small-valid.gguf");
        new GgufWriter()
                .putString("general.architecture", "tiny")
                .putUInt32("general.alignment", 64)
                .putUInt8("k.u8", 200)
                .putInt16("k.i16", -300)
                .putUInt32("k.dup.a", 1)
                .putUInt32("k.dup.b", 2)
                .putInt64("k.i64", -5)
                .putFloat64("k.f64", 2.5)
                .putBool("k.flag", true)
                .putArray("k.strings", GgufValueType.STRING, List.of("a", "bb", "ccc"))
                .putArray("k.floats", GgufValueType.FLOAT32, new float[] {1, 2, 3})
                .putArray("k.nested", GgufValueType.ARRAY, List.of(new int[] {1, 2}, List.of("x")))
                .addTensor("tensor.first", TensorType.F32, new long[] {8}, randomBytes(random, 32))
                .addTensor("tensor.quant", TensorType.Q8_0, new long[] {64, 2}, randomBytes(random, 136))
                .addTensor("tensor.half", TensorType.F16, new long[] {4, 2, 2}, randomBytes(random, 32))
                .addTensor("tensor.last", TensorType.F32, new long[] {4}, randomBytes(random, 16))
                .write(file);
        return Files.readAllBytes(file);
    }

    static MemorySegment randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return MemorySegment.ofArray(b);
    }

    /** Offset of the first occurrence of {@code ascii} in {@code bytes}. */
    static int indexOf(byte[] bytes, String ascii) {
        byte[] needle = ascii.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            for (int j = 0; j < needle.length; j++) if (bytes[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("'" + ascii + "' not found");
    }

    static void putU32(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    static void putU64(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) b[at + i] = (byte) (v >>> (8 * i));
    }

    static long getU64(byte[] b, int at) {
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | (b[at + i] & 0xFF);
        return v;
    }
}
