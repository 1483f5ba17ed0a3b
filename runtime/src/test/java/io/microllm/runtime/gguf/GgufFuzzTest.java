package io.microllm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random mutations of a small valid file: each must load (and then be fully readable) or fail with a
 * GgufFormatException; any other exception, a crash or a hang fails the test. Reproduce a failure with
 * {@code -Dgguf.fuzz.seed=<the printed seed>}.
 */
class GgufFuzzTest {
    /** 3000 by default; raise it with -Dgguf.fuzz.mutations=N for a longer hunt. */
    private static final int MUTATIONS = Integer.getInteger("gguf.fuzz.mutations", 3000);
    private static final long[] INTERESTING = {0, 1, 2, 3, 4, 5, 8, 12, 13, 31, 32, 63, 64, 0x7F, 0x80, 0xFF, 0xFFFF,
            0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, -1};

    @TempDir
    Path dir;

    @Test
    void everyTruncationBeforeTheLastTensorEndIsRejected() throws IOException {
        byte[] valid = GgufTestSupport.smallValidFile(dir);
        long lastTensorEnd;
        try (GgufFile f = GgufFile.open(dir.resolve("small-valid.gguf"))) {
            GgufTensorInfo last = f.tensors().getLast();
            lastTensorEnd = f.dataOffset() + last.offset() + last.byteSize();
        }
        Path file = dir.resolve("truncated.gguf");
        for (int length = 0; length < lastTensorEnd; length++) {
            Files.write(file, Arrays.copyOf(valid, length));
            assertThrows(GgufFormatException.class, () -> GgufFile.open(file).close(), "prefix of " + length + " bytes");
        }
        for (long length = lastTensorEnd; length <= valid.length; length++) {
            Files.write(file, Arrays.copyOf(valid, (int) length));
            GgufFile.open(file).close(); // only the trailing padding is missing
        }
    }

    @Test
    void randomMutationsLoadOrFailCleanly() throws IOException {
        long seed = Long.getLong("gguf.fuzz.seed", System.nanoTime());
        System.out.println("GgufFuzzTest seed " + seed + " (rerun with -Dgguf.fuzz.seed=" + seed + ")");
        byte[] valid = GgufTestSupport.smallValidFile(dir);
        long headerEnd;
        try (GgufFile f = GgufFile.open(dir.resolve("small-valid.gguf"))) {
            headerEnd = f.dataOffset();
        }
        Random random = new Random(seed);
        Path file = dir.resolve("mutant.gguf");
        int[] outcomes = new int[2]; // loaded, rejected
        long start = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(120 + MUTATIONS / 100), () -> {
            for (int i = 0; i < MUTATIONS; i++) {
                StringBuilder how = new StringBuilder();
                byte[] mutant = mutate(valid, headerEnd, random, how);
                Files.write(file, mutant);
                try (GgufFile f = GgufFile.open(file)) {
                    readEverything(f);
                    outcomes[0]++;
                } catch (GgufFormatException expected) {
                    assertTrue(expected.getMessage() != null && expected.offset() >= 0 && expected.offset() <= mutant.length,
                            expected::getMessage);
                    outcomes[1]++;
                } catch (Throwable t) {
                    t.printStackTrace();
                    fail("seed " + seed + ", mutation " + i + " (" + how + "): " + t);
                }
            }
        }, "a mutation hung (seed " + seed + ")");
        System.out.printf("GgufFuzzTest: %d mutations in %d ms: %d loaded, %d rejected with GgufFormatException%n",
                MUTATIONS, (System.nanoTime() - start) / 1_000_000, outcomes[0], outcomes[1]);
        assertTrue(outcomes[1] > MUTATIONS / 4, "most mutations of the header should be caught");
    }

    /** One to three mutations, mostly inside the header (metadata and tensor infos), where they matter. */
    private static byte[] mutate(byte[] valid, long headerEnd, Random random, StringBuilder how) {
        byte[] b = valid.clone();
        int count = 1 + random.nextInt(3);
        for (int m = 0; m < count; m++) {
            int at = random.nextInt(10) < 9 ? random.nextInt((int) headerEnd) : random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> {
                    b[at] = (byte) random.nextInt(256);
                    how.append("byte@").append(at).append(' ');
                }
                case 1 -> {
                    b[at] ^= (byte) (1 << random.nextInt(8));
                    how.append("bitflip@").append(at).append(' ');
                }
                case 2 -> {
                    long v = INTERESTING[random.nextInt(INTERESTING.length)];
                    for (int k = 0; k < 4 && at + k < b.length; k++) b[at + k] = (byte) (v >>> (8 * k));
                    how.append("u32=").append(v).append('@').append(at).append(' ');
                }
                case 3 -> {
                    long v = random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : random.nextLong();
                    for (int k = 0; k < 8 && at + k < b.length; k++) b[at + k] = (byte) (v >>> (8 * k));
                    how.append("u64=").append(v).append('@').append(at).append(' ');
                }
                case 4 -> {
                    how.append("truncate@").append(at).append(' ');
                    return Arrays.copyOf(b, at);
                }
                default -> {
                    // A plausible small count or length at an 8-byte-aligned spot, shifting what follows.
                    int aligned = at & ~7;
                    long v = random.nextInt(1 << random.nextInt(20));
                    for (int k = 0; k < 8 && aligned + k < b.length; k++) b[aligned + k] = (byte) (v >>> (8 * k));
                    how.append("small=").append(v).append('@').append(aligned).append(' ');
                }
            }
        }
        return b;
    }

    /** Touches every value and the first and last byte of every tensor: a loaded file must be fully usable. */
    private static void readEverything(GgufFile f) {
        for (String key : f.metadata().keySet()) {
            f.typeOf(key);
            f.find(key).orElseThrow();
        }
        for (GgufTensorInfo t : f.tensors()) {
            MemorySegment data = f.data(t);
            data.get(ValueLayout.JAVA_BYTE, 0);
            data.get(ValueLayout.JAVA_BYTE, data.byteSize() - 1);
            t.shape();
        }
    }
}
