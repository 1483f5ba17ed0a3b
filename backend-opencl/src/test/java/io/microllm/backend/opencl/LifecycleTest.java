package io.microllm.backend.opencl;

import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.TensorType;
import org.jocl.CL;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Open/close cycles release everything; a failure mid-run fails the request and the backend can be reopened. */
class LifecycleTest {

    /** Some real work: weights, activations, a KV cache, a few ops, a read. */
    private static void work(Twin tw) {
        Twin.T w = tw.weight(TensorType.Q8_0, 16, 64);
        Twin.T x = tw.input(TensorType.F32, 1, 64);
        Twin.T y = tw.output(TensorType.F32, 1, 16);
        Twin.T kv = tw.input(TensorType.F16, 4, 8);
        Twin.T out = tw.output(TensorType.F32, 1, 16);
        tw.run(s -> new Op.MatMul(s.of(w), s.of(x), null, s.of(y)));
        tw.run(s -> new Op.Attention(s.of(y), s.of(kv), s.of(kv), 2, 1, 2, 0.3f, s.of(out)));
        tw.assertClose(out, 5e-4, "attention after matmul");
    }

    @Test
    void repeatedOpenAndCloseLeaksNoOpenClObjects() {
        OpenClTestSupport.device();
        int before = OpenClBackend.liveObjects();
        for (int i = 0; i < 12; i++) {
            try (Twin tw = new Twin(OpenClTestSupport.open(), i)) {
                work(tw);
                assertTrue(OpenClBackend.liveObjects() > before, "objects are counted while open");
            }
            assertEquals(before, OpenClBackend.liveObjects(), "cycle " + i + " left OpenCL objects behind");
        }
    }

    @Test
    void aClosedBackendRefusesWorkAndItsTensorsAreDead() {
        OpenClTestSupport.device();
        OpenClBackend b = OpenClTestSupport.open();
        var t = b.allocate(TensorType.F32, Shape.of(1, 4));
        b.close();
        b.close();  // idempotent
        assertThrows(IllegalStateException.class, () -> b.allocate(TensorType.F32, Shape.of(1, 4)));
        assertThrows(IllegalStateException.class, () -> b.read(t, Arena.ofAuto().allocate(16)));
        try (OpenClBackend other = OpenClTestSupport.open()) {
            assertThrows(IllegalArgumentException.class, () -> other.execute(new Op.Silu(t, t)));
        }
    }

    @Test
    void aKernelFailureFailsThatRequestThenCloseAndReopenWork() {
        OpenClTestSupport.device();
        int before = OpenClBackend.liveObjects();
        try (Twin tw = new Twin(OpenClTestSupport.open(), 1)) {
            Twin.T x = tw.input(TensorType.F32, 2, 8);
            tw.cl.injectFailure("clEnqueueNDRangeKernel", CL.CL_OUT_OF_RESOURCES);
            OpenClException e = assertThrows(OpenClException.class, () -> tw.cl.execute(new Op.Silu(x.cl(), x.cl())));
            assertEquals("clEnqueueNDRangeKernel(silu_f32) failed: CL_OUT_OF_RESOURCES (-5)", e.getMessage());
            IllegalStateException broken = assertThrows(IllegalStateException.class, () -> tw.cl.read(x.cl(), Arena.ofAuto().allocate(64)));
            assertTrue(broken.getMessage().contains("close it and open it again"), broken.getMessage());
        }
        assertEquals(before, OpenClBackend.liveObjects());
        try (Twin tw = new Twin(OpenClTestSupport.open(), 2)) {
            work(tw);
        }
    }

    @Test
    void aDeviceLostWhileWaitingIsReportedWithTheCall() {
        OpenClTestSupport.device();
        try (Twin tw = new Twin(OpenClTestSupport.open(), 1)) {
            Twin.T x = tw.input(TensorType.F32, 2, 8);
            tw.cl.execute(new Op.Scale(x.cl(), 2, x.cl()));
            tw.cl.injectFailure("clFinish", CL.CL_DEVICE_NOT_AVAILABLE);
            OpenClException e = assertThrows(OpenClException.class, tw.cl::synchronize);
            assertEquals("clFinish", e.call());
            assertEquals(CL.CL_DEVICE_NOT_AVAILABLE, e.code());
            assertThrows(IllegalStateException.class, () -> tw.cl.execute(new Op.Silu(x.cl(), x.cl())));
        }
    }

    @Test
    void tooLargeATensorIsAClearErrorAndTheBackendStaysUsable() {
        OpenClTestSupport.device();
        try (Twin tw = new Twin(OpenClTestSupport.open(), 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> tw.cl.allocate(TensorType.F32, Shape.of(1 << 20, 1 << 20)));
            assertTrue(e.getMessage().contains("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), e.getMessage());
            work(tw);
        }
    }

    @Test
    void errorMessagesNameTheCallAndTheCode() {
        OpenClTestSupport.device();  // error names come from JOCL's native library
        assertEquals("clBuildProgram(ops) failed: CL_BUILD_PROGRAM_FAILURE (-11)",
                new OpenClException("clBuildProgram(ops)", CL.CL_BUILD_PROGRAM_FAILURE).getMessage());
        assertEquals("clFoo failed: unknown OpenCL error (-12345)", new OpenClException("clFoo", -12345).getMessage());
    }
}
