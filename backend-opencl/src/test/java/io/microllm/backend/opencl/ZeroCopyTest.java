package io.microllm.backend.opencl;

import io.microllm.kernels.quant.Dequantize;
import io.microllm.kernels.quant.Quantize;
import io.microllm.spi.DeviceFeature;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Weights from a memory-mapped model: used in place where the device shares host memory, never written through. */
class ZeroCopyTest {

    private static float[] random(int n, long seed) {
        var r = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-1, 1);
        return v;
    }

    private static float[] read(OpenClBackend b, Tensor t) {
        MemorySegment s = Arena.ofAuto().allocate(t.byteSize());
        b.read(t, s);
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Test
    void weightsFromAReadOnlyMappedFileAreUsedInPlaceAndNeverWrittenThrough(@TempDir Path dir) throws IOException {
        var device = OpenClTestSupport.device();
        byte[] bytes = Quantize.quantize(TensorType.Q8_0, random(8 * 64, 1));
        Path file = dir.resolve("weights.bin");
        Files.write(file, bytes);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ); Arena arena = Arena.ofShared()) {
            MemorySegment mapped = ch.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
            try (OpenClBackend b = OpenClTestSupport.open("opencl.weightLayout", "gguf")) {
                Tensor w = b.upload(TensorType.Q8_0, Shape.of(8, 64), mapped);
                assertEquals(device.features().contains(DeviceFeature.UNIFIED_MEMORY), ((ClTensor) w).storage().zeroCopy(),
                        "zero-copy exactly where the device shares host memory");

                Tensor ids = b.upload(TensorType.I32, Shape.of(1, 2), MemorySegment.ofArray(new int[] {5, 2}));
                Tensor rows = b.allocate(TensorType.F32, Shape.of(2, 64));
                b.execute(new Op.GetRows(w, ids, rows));
                float[] all = Dequantize.all(TensorType.Q8_0, MemorySegment.ofArray(bytes), 8 * 64);
                float[] got = read(b, rows);
                for (int c = 0; c < 64; c++) {
                    assertEquals(all[5 * 64 + c], got[c]);
                    assertEquals(all[2 * 64 + c], got[64 + c]);
                }

                // A write gives the tensor its own device copy: the read-only mapping is not touched.
                byte[] other = Quantize.quantize(TensorType.Q8_0, random(8 * 64, 2));
                b.write(w, MemorySegment.ofArray(other));
                MemorySegment back = Arena.ofAuto().allocate(other.length);
                b.read(w, back);
                assertArrayEquals(other, back.toArray(ValueLayout.JAVA_BYTE));
                assertFalse(((ClTensor) w).storage().zeroCopy());
                b.execute(new Op.GetRows(w, ids, rows));
                float[] now = Dequantize.all(TensorType.Q8_0, MemorySegment.ofArray(other), 8 * 64);
                assertEquals(now[5 * 64], read(b, rows)[0]);
            }
            assertArrayEquals(bytes, Files.readAllBytes(file));
        }
    }

    /** On PoCL the device really reads the caller's memory: a host-side change shows without any write(). */
    @Test
    void onPoclTheDeviceReadsTheHostMemoryItself() {
        var device = OpenClTestSupport.device();
        Assumptions.assumeTrue(device.name().contains("Portable Computing Language"), "PoCL-specific: " + device.name());
        MemorySegment host = Quantize.toSegment(TensorType.F32, random(4 * 16, 3));
        try (OpenClBackend b = OpenClTestSupport.open()) {
            Tensor table = b.upload(TensorType.F32, Shape.of(4, 16), host);
            Tensor ids = b.upload(TensorType.I32, Shape.of(1, 1), MemorySegment.ofArray(new int[] {3}));
            Tensor row = b.allocate(TensorType.F32, Shape.of(1, 16));
            host.setAtIndex(ValueLayout.JAVA_FLOAT, 3 * 16 + 7, 1234.5f);
            b.execute(new Op.GetRows(table, ids, row));
            assertEquals(1234.5f, read(b, row)[7]);
        }
    }
}
