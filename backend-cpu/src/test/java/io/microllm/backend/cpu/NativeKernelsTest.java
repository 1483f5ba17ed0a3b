package io.microllm.backend.cpu;

import io.microllm.kernels.reference.ReferenceOps;
import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional native kernels: present wherever the build could make them, and guarded on the Java side (their
 * results are checked against the reference in {@link CpuMatMulTest}).
 */
class NativeKernelsTest {

    @Test
    void loadWhereverTheBuildMadeThemAndTheCpuRunsThem() throws IOException {
        String cause = NativeKernels.unavailabilityCause();
        if (NativeKernels.class.getResource(NativeKernels.RESOURCE) == null) {
            // CI sets MICROLLM_REQUIRE_NATIVE=1: there a build without the kernels is a failure, not a note.
            assertNotEquals("1", System.getenv("MICROLLM_REQUIRE_NATIVE"), "native kernels not built: " + cause);
            System.err.println("!!! NATIVE KERNELS NOT BUILT: the native mat-vec paths are untested here (" + cause + ")");
            assertTrue(cause.contains("C compiler"), cause);
            return;
        }
        String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("flags")).findFirst().orElse("");
        boolean cpuRunsThem = List.of(" avx2", " fma", " f16c").stream().allMatch(flags::contains);
        assertEquals(cpuRunsThem, NativeKernels.isAvailable(), "unavailable: " + cause);
        Assumptions.assumeTrue(cpuRunsThem, "this CPU lacks AVX2/FMA/F16C");
        NativeKernels kernels = NativeKernels.get();
        for (TensorType t : List.of(TensorType.Q4_0, TensorType.Q8_0, TensorType.Q4_K, TensorType.Q6_K)) {
            assertTrue(kernels.supports(t), t + " in " + kernels.describe());
        }
        boolean vnni = flags.contains(" avx512_vnni") && !"avx2".equals(System.getProperty("microllm.cpu.nativeIsa"));
        assertTrue(kernels.describe().contains(vnni ? "AVX-512 VNNI" : "(AVX2)"), kernels.describe());
    }

    /**
     * int8 cannot carry an infinity or NaN: such rows go to the Java kernels, which propagate them. (Whether an
     * infinity or a NaN comes out may differ from the reference: the k-quants' min term can make inf − inf.)
     */
    @Test
    void nonFiniteActivationsGiveTheReferenceResult() {
        Assumptions.assumeTrue(NativeKernels.isAvailable(), NativeKernels::unavailabilityCause);
        Random rnd = new Random(3);
        int in = 256, out = 5;
        float[] w = Harness.random(rnd, out * in, 0.5f), x = Harness.random(rnd, in, 1f);
        x[7] = Float.POSITIVE_INFINITY;
        for (TensorType type : List.of(TensorType.Q4_0, TensorType.Q8_0, TensorType.Q4_K, TensorType.Q6_K)) {
            try (Backend b = new Harness.Config(1, true, true).open()) {
                Tensor dst = b.allocate(TensorType.F32, Shape.of(1, out));
                b.execute(new Op.MatMul(Harness.upload(b, type, w, out, in), Harness.f32(b, x, 1, in), null, dst));
                float[] expected = new float[out];
                ReferenceOps.matMul(Harness.roundTrip(type, w), out, in, x, 1, null, expected);
                float[] actual = Harness.read(b, dst);
                for (int r = 0; r < out; r++) {
                    assertTrue(!Float.isFinite(expected[r]), "the reference sees the infinity");
                    assertTrue(!Float.isFinite(actual[r]), type + " row " + r + ": " + actual[r]);
                    if (type.blockSize() == 32) assertEquals(expected[r], actual[r], type + " row " + r);
                }
            }
        }
    }

    /** A non-finite attention score sends that head to the Java loops, which propagate it as the reference does. */
    @Test
    void nonFiniteAttentionScoresGiveTheReferenceResult() {
        Assumptions.assumeTrue(NativeKernels.isAvailable(), NativeKernels::unavailabilityCause);
        Random rnd = new Random(4);
        int heads = 2, headDim = 16, ctx = 5;
        float[] q = Harness.random(rnd, heads * headDim, 1f), k = Harness.random(rnd, ctx * headDim, 1f), v = Harness.random(rnd, ctx * headDim, 1f);
        k[3] = Float.POSITIVE_INFINITY; // row 0 of the one KV head: both heads see an infinite score
        try (Backend b = new Harness.Config(1, true, true).open()) {
            Tensor dst = b.allocate(TensorType.F32, Shape.of(1, heads * headDim));
            b.execute(new Op.Attention(Harness.f32(b, q, 1, heads * headDim), Harness.f32(b, k, ctx, headDim),
                    Harness.f32(b, v, ctx, headDim), heads, 1, ctx - 1, 0.25f, dst));
            float[] expected = new float[heads * headDim];
            ReferenceOps.attention(q, 1, heads, 1, headDim, k, v, ctx - 1, 0.25f, expected);
            float[] actual = Harness.read(b, dst);
            // The head whose score is +inf comes out non-finite; the other one (score −inf: weight 0) stays finite.
            assertTrue(!Float.isFinite(expected[0]) || !Float.isFinite(expected[headDim]), "an infinite score reaches the output");
            for (int i = 0; i < expected.length; i++) {
                if (Float.isFinite(expected[i])) assertEquals(expected[i], actual[i], 1e-5f * Math.max(1, Math.abs(expected[i])), "element " + i);
                else assertTrue(!Float.isFinite(actual[i]), "element " + i + ": " + actual[i]);
            }
        }
    }

    @Test
    void rowsOutsideTheTensorsAreRefusedBeforeTheNativeCall() {
        Assumptions.assumeTrue(NativeKernels.isAvailable(), NativeKernels::unavailabilityCause);
        NativeKernels kernels = NativeKernels.get();
        int in = 64;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment w = arena.allocate(TensorType.Q4_0.bytes(in) * 2), x = arena.allocate(4L * in);
            MemorySegment dst = arena.allocate(4L * 2);
            Activation a = new Activation();
            assertTrue(kernels.prepare(TensorType.Q4_0, x, 0, in, a));
            kernels.matVec(TensorType.Q4_0, w, in, 0, 2, a, dst, 0);
            assertThrows(IndexOutOfBoundsException.class, () -> kernels.matVec(TensorType.Q4_0, w, in, 0, 3, a, dst, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> kernels.matVec(TensorType.Q4_0, w, in, 1, 2, a, dst, 4));
            assertThrows(IndexOutOfBoundsException.class, () -> kernels.matVec(TensorType.Q4_0, w, 2 * in, 0, 1, a, dst, 0));
            assertThrows(IndexOutOfBoundsException.class, () -> kernels.prepare(TensorType.Q4_0, x, 4, in, a));
        }
    }
}
