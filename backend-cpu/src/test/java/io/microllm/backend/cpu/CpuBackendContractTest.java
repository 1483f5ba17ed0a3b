package io.microllm.backend.cpu;

import io.microllm.kernels.reference.ReferenceBackend;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceFeature;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery, the device description, and the clear failures the SPI asks for. */
class CpuBackendContractTest {

    @Test
    void serviceLoaderFindsOneUsableCpuDevice() {
        BackendProvider p = ServiceLoader.load(BackendProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("cpu")).findFirst().orElseThrow();
        DeviceInfo d = p.devices().getFirst();
        assertEquals(1, p.devices().size());
        assertEquals("cpu:0", d.qualifiedId());
        assertEquals(DeviceKind.CPU, d.kind());
        assertTrue(d.usable() && d.score() == 100, d.toString());
        assertTrue(d.features().contains(DeviceFeature.UNIFIED_MEMORY));
        assertTrue(d.name().matches(".+ \\(\\d+ cores?\\)"), d.name());
        assertTrue(d.memoryBytes() > 0, "physical RAM read from /proc/meminfo");
        assertEquals(d, Backends.discover().choose("cpu"));
    }

    @Test
    void threadsDefaultToPhysicalCoresAndFollowTheOption() {
        CpuBackendProvider p = new CpuBackendProvider();
        try (CpuBackend b = (CpuBackend) p.open(p.devices().getFirst(), BackendOptions.defaults())) {
            assertEquals(HostProbe.probe().physicalCores(), b.threads());
        }
        try (CpuBackend b = (CpuBackend) p.open(p.devices().getFirst(), BackendOptions.defaults().withThreads(3))) {
            assertEquals(3, b.threads());
        }
    }

    @Test
    void foreignTensorsAreRejected() {
        try (Backend a = new Harness.Config(1, true).open(); Backend b = new Harness.Config(1, true).open()) {
            Tensor x = a.allocate(TensorType.F32, Shape.of(1, 8));
            Tensor y = b.allocate(TensorType.F32, Shape.of(1, 8));
            var e = assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.Scale(x, 2f, y)));
            assertTrue(e.getMessage().contains("not created by this CPU backend"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.Scale(TensorSpec.of(TensorType.F32, 1, 8), 2f, y)));
            assertThrows(IllegalArgumentException.class, () -> b.read(x, Arena.ofAuto().allocate(32)));
        }
    }

    @Test
    void badInputFailsClearly() {
        try (Backend b = new Harness.Config(2, true).open()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> b.upload(TensorType.Q8_0, Shape.of(2, 32), MemorySegment.ofArray(new byte[60])));
            assertTrue(e.getMessage().contains("needs 68 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.allocate(TensorType.Q4_K, Shape.of(1, 100)));

            Tensor table = b.allocate(TensorType.F32, Shape.of(4, 8));
            Tensor dst = b.allocate(TensorType.F32, Shape.of(1, 8));
            e = assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.GetRows(table, Harness.i32(b, 4), dst)));
            assertTrue(e.getMessage().contains("id 4"), e.getMessage());

            Tensor w = b.allocate(TensorType.F32, Shape.of(3, 8));
            e = assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.MatMul(w, dst, null, dst)));
            assertTrue(e.getMessage().startsWith("MatMul"), e.getMessage());

            Tensor square = b.allocate(TensorType.F32, Shape.of(8, 8));
            e = assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.MatMul(square, dst, null, dst)));
            assertTrue(e.getMessage().contains("in place"), e.getMessage());

            assertThrows(IllegalArgumentException.class, () -> b.view(table, 3, Shape.of(2, 8)));
            assertThrows(IllegalArgumentException.class, () -> b.write(table, MemorySegment.ofArray(new float[3])));
        }
    }

    @Test
    void supportsEveryValidOpAndExplainsInvalidOnes() {
        try (Backend b = new Harness.Config(1, true).open()) {
            for (TensorType t : TensorType.values()) {
                if (t == TensorType.I32) continue;
                Op op = new Op.MatMul(TensorSpec.of(t, 64, 256), TensorSpec.of(TensorType.F32, 3, 256), null, TensorSpec.of(TensorType.F32, 3, 64));
                assertTrue(b.supports(op).supported(), t.toString());
            }
            var no = b.supports(new Op.Softmax(TensorSpec.of(TensorType.F16, 1, 8), 1f, TensorSpec.of(TensorType.F32, 1, 8)));
            assertFalse(no.supported());
            assertTrue(no.reason().contains("F32"), no.reason());
        }
    }

    @Test
    void closedBackendRefusesWork() {
        Backend b = new Harness.Config(2, true).open();
        Tensor x = b.allocate(TensorType.F32, Shape.of(1, 8));
        b.close();
        b.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> b.execute(new Op.Scale(x, 2f, x)));
        assertThrows(IllegalStateException.class, () -> b.allocate(TensorType.F32, Shape.of(1, 8)));
    }

    /** Uploads read caller memory in place, yet freed or read-only memory fails clearly instead of crashing. */
    @Test
    void uploadedMemoryKeepsItsScopeAndReadOnlyFlag(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("w.bin");
        float[] values = {1, 2, 3, 4, 5, 6, 7, 8};
        java.nio.file.Files.write(file, MemorySegment.ofArray(values).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
        try (Backend b = new Harness.Config(1, true).open();
             var channel = java.nio.channels.FileChannel.open(file)) {
            Arena fileArena = Arena.ofShared();
            MemorySegment mapped = channel.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, 32, fileArena);
            Tensor w = b.upload(TensorType.F32, Shape.of(1, 8), mapped);
            Tensor y = b.allocate(TensorType.F32, Shape.of(1, 8));
            // One segment class for every tensor keeps the Vector API's loads monomorphic (see CpuBackend.upload).
            assertEquals(((CpuTensor) y).data().getClass(), ((CpuTensor) w).data().getClass());
            b.execute(new Op.Scale(w, 2f, y));
            float[] out = new float[8];
            b.read(y, MemorySegment.ofArray(out));
            assertEquals(16f, out[7]);

            var e = assertThrows(IllegalArgumentException.class, () -> b.write(w, MemorySegment.ofArray(values)));
            assertTrue(e.getMessage().contains("read-only"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.Scale(y, 2f, w)));
            assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.Scale(y, 2f, b.view(w, 0, Shape.of(1, 8)))));

            fileArena.close();
            var closed = assertThrows(IllegalStateException.class, () -> b.execute(new Op.Scale(w, 2f, y)));
            assertTrue(closed.getMessage().contains("freed"), closed.getMessage());

            float[] heap = {1, 1, 1, 1, 1, 1, 1, 1};
            Tensor copied = b.upload(TensorType.F32, Shape.of(1, 8), MemorySegment.ofArray(heap));
            heap[0] = 99; // a heap upload is a copy
            assertEquals(((CpuTensor) y).data().getClass(), ((CpuTensor) copied).data().getClass());
            b.execute(new Op.Scale(copied, 3f, y));
            b.read(y, MemorySegment.ofArray(out));
            assertEquals(3f, out[0]);
        }
    }

    @Test
    void referenceBackendIsNotOurs() {
        try (Backend b = new Harness.Config(1, true).open()) {
            Tensor x = b.allocate(TensorType.F32, Shape.of(1, 8));
            ReferenceBackend ref = new ReferenceBackend();
            Tensor y = ref.allocate(TensorType.F32, Shape.of(1, 8));
            assertThrows(IllegalArgumentException.class, () -> b.execute(new Op.Scale(y, 2f, x)));
        }
    }
}
