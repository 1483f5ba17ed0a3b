package io.microllm.runtime.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.microllm.spi.TensorType;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A ~200 MB file, streamed out by the writer and mapped by the reader, must not land on the Java heap. */
class GgufLargeFileHeapTest {
    private static final int TENSORS = 4;
    private static final long[] NE = {1024, 12_800}; // 50 MiB of F32 each
    private static final int CHUNK = 1 << 16;

    @TempDir
    Path dir;

    @Test
    void openingA200MbModelDoesNotGrowTheHeapByItsSize() throws IOException {
        Path file = dir.resolve("large.gguf");
        long tensorBytes = TensorType.F32.bytes(NE[0] * NE[1]);
        GgufWriter writer = new GgufWriter().putString("general.architecture", "large");
        for (int i = 0; i < TENSORS; i++) {
            int fill = i + 1;
            writer.addTensor("big." + i, TensorType.F32, NE, out -> {
                byte[] chunk = new byte[CHUNK];
                Arrays.fill(chunk, (byte) fill);
                for (long written = 0; written < tensorBytes; written += CHUNK) out.write(chunk);
            });
        }
        writer.write(file);
        long fileSize = Files.size(file);
        assertTrue(fileSize > 200_000_000L, "file is " + fileSize + " bytes");

        long before = usedHeapAfterGc();
        GgufFile f = GgufFile.open(file);
        long checksum = 0;
        for (GgufTensorInfo t : f.tensors()) {
            MemorySegment data = f.data(t);
            for (long at = 0; at < data.byteSize(); at += 4096) checksum += data.get(ValueLayout.JAVA_BYTE, at); // pages it all in
        }
        long after = usedHeapAfterGc();
        Reference.reachabilityFence(f);
        f.close();

        assertEquals((1 + 2 + 3 + 4) * (tensorBytes / 4096), checksum, "every page read back");
        long growth = after - before;
        System.out.printf("GgufLargeFileHeapTest: %d-byte file, heap before %d, after open and a full read %d, growth %d bytes%n",
                fileSize, before, after, growth);
        assertTrue(growth < fileSize / 20, "heap grew by " + growth + " bytes for a " + fileSize + "-byte file");
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
