package io.microllm.backend.opencl;

import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Compiled programs go to the disk cache; a second open loads them instead of compiling. */
class ProgramCacheTest {

    private static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(suffix)).toList();
        }
    }

    /**
     * Opens, uploads a Q8_0 weight (builds the Q8_0 program) and runs Silu (builds the elementwise program); returns
     * the build stats.
     */
    private static ProgramStats openOnce(Path cache, String label) {
        long t0 = System.nanoTime();
        try (OpenClBackend b = OpenClTestSupport.open("opencl.cacheDir", cache.toString())) {
            b.upload(TensorType.Q8_0, Shape.of(2, 32), Twin.bytes(TensorType.Q8_0, new float[64]));
            var x = b.allocate(TensorType.F32, Shape.of(1, 8));
            b.execute(new Op.Silu(x, x));
            b.synchronize();
            long wall = (System.nanoTime() - t0) / 1_000_000;
            ProgramStats s = b.programStats();
            System.out.println("OpenCL " + label + " start: " + wall + " ms until ready (" + s + ")");
            return s;
        }
    }

    @Test
    void secondOpenLoadsEveryProgramFromTheCache(@TempDir Path cache) throws IOException {
        OpenClTestSupport.device();
        ProgramStats first = openOnce(cache, "first (empty cache)");
        ProgramStats second = openOnce(cache, "second (cached)");
        assertEquals(2, first.compiled(), "the Q8_0 and elementwise programs compile on the first open");
        assertEquals(0, first.loadedFromCache());
        assertEquals(0, second.compiled(), "nothing compiles on the second open");
        assertEquals(2, second.loadedFromCache());
        assertEquals(2, files(cache, ".bin").size());
        assertEquals(List.of(), files(cache, ".tmp"), "no temporary files are left behind");
        System.out.println("OpenCL program build: first open " + first.compileTime().toMillis() + " ms compiling, second open "
                + second.loadTime().toMillis() + " ms loading binaries");
    }

    @Test
    void aCorruptBinaryIsRebuiltAndReplaced(@TempDir Path cache) throws IOException {
        OpenClTestSupport.device();
        openOnce(cache, "cache fill");
        for (Path p : files(cache, ".bin")) Files.write(p, new byte[] {1, 2, 3, 4});
        ProgramStats rebuilt = openOnce(cache, "after corrupting the cache");
        assertEquals(2, rebuilt.compiled(), "binaries the driver refuses are compiled again");
        for (Path p : files(cache, ".bin")) assertTrue(Files.size(p) > 4, p + " still holds the corrupt bytes");
        assertEquals(2, openOnce(cache, "after the rebuild").loadedFromCache());
    }

    @Test
    void theCacheCanBeTurnedOff() {
        OpenClTestSupport.device();
        for (int i = 0; i < 2; i++) {
            ProgramStats s = openOnce(Path.of("off"), "cache off");
            assertEquals(2, s.compiled());
            assertEquals(0, s.loadedFromCache());
        }
    }
}
