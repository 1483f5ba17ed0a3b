package io.microllm.kernels.reference;

import io.microllm.kernels.HostTensor;
import io.microllm.kernels.quant.Dequantize;
import io.microllm.kernels.quant.Quantize;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReferenceBackendTest {

    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ReferenceBackend backend = new ReferenceBackend();

    @AfterEach
    void close() { backend.close(); }

    private Tensor f32(int rows, int cols, float... values) {
        Tensor t = backend.allocate(TensorType.F32, Shape.of(rows, cols));
        backend.write(t, Quantize.toSegment(TensorType.F32, values));
        return t;
    }

    private float[] read(Tensor t) {
        MemorySegment out = Arena.ofAuto().allocate(t.byteSize());
        backend.read(t, out);
        return Dequantize.all(t.type(), out, t.shape().elements());
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void describesItself() {
        assertEquals("reference", backend.device().provider());
        assertEquals("reference", backend.device().id());
        assertTrue(backend.device().usable());
    }

    @Test
    void allocateIsZeroedAndUploadIsZeroCopy() {
        assertArrayEquals(new float[6], read(backend.allocate(TensorType.F32, Shape.of(2, 3))), 0f);
        MemorySegment weights = Quantize.toSegment(TensorType.Q8_0, random(64, 1));
        HostTensor uploaded = (HostTensor) backend.upload(TensorType.Q8_0, Shape.of(2, 32), weights);
        assertSame(weights, uploaded.data());
        assertThrows(IllegalArgumentException.class, () -> backend.upload(TensorType.Q8_0, Shape.of(3, 32), weights));
        assertThrows(IllegalArgumentException.class, () -> backend.allocate(TensorType.Q4_0, Shape.of(2, 16)),
                "rows of half a block");
    }

    @Test
    void viewsShareStorageFromARow() {
        Tensor base = f32(4, 2, 0, 1, 2, 3, 4, 5, 6, 7);
        Tensor tail = backend.view(base, 2, Shape.of(2, 2));
        assertArrayEquals(new float[] {4, 5, 6, 7}, read(tail), 0f);
        Tensor reshaped = backend.view(base, 1, Shape.of(6, 1));
        backend.execute(new Op.Scale(reshaped, 10f, reshaped));
        assertArrayEquals(new float[] {0, 1, 20, 30, 40, 50, 60, 70}, read(base), 0f);
        assertThrows(IllegalArgumentException.class, () -> backend.view(base, 3, Shape.of(2, 2)), "past the end");
    }

    @Test
    void rejectsTensorsOfOtherBackends() {
        Tensor x = f32(1, 2, 1, 2);
        try (ReferenceBackend other = new ReferenceBackend()) {
            Tensor foreign = other.allocate(TensorType.F32, Shape.of(1, 2));
            var e = assertThrows(IllegalArgumentException.class, () -> backend.execute(new Op.Add(x, foreign, x)));
            assertTrue(e.getMessage().contains("does not belong"), e.getMessage());
        }
        Tensor spec = TensorSpec.of(TensorType.F32, 1, 2);
        assertThrows(IllegalArgumentException.class, () -> backend.execute(new Op.Silu(x, spec)));
        HostTensor stranger = new HostTensor(TensorType.F32, Shape.of(1, 2), MemorySegment.ofArray(new float[2]));
        assertThrows(IllegalArgumentException.class, () -> backend.execute(new Op.Silu(stranger, x)));
    }

    @Test
    void validatesBeforeRunning() {
        Tensor x = f32(1, 2, 1, 2);
        Tensor wrong = backend.allocate(TensorType.F32, Shape.of(1, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> backend.execute(new Op.Silu(x, wrong)));
        assertTrue(e.getMessage().startsWith("Silu"), e.getMessage());
    }

    @Test
    void supportsEveryWeightTypeButNotIntegers() {
        for (TensorType t : TensorType.values()) {
            var op = new Op.MatMul(TensorSpec.of(t, 8, 256), TensorSpec.of(TensorType.F32, 2, 256), null,
                    TensorSpec.of(TensorType.F32, 2, 8));
            assertEquals(t != TensorType.I32, backend.supports(op).supported(), t + ": " + backend.supports(op).reason());
        }
        assertFalse(backend.supports(new Op.Silu(TensorSpec.of(TensorType.F32, 1, 2), TensorSpec.of(TensorType.F32, 2, 1)))
                .supported());
    }

    @Test
    void matMulOnQuantizedWeightsUsesTheirDequantizedValues() {
        for (TensorType t : new TensorType[] {TensorType.Q4_K, TensorType.Q8_0, TensorType.F16, TensorType.BF16}) {
            float[] wValues = random(3 * 256, 2);
            MemorySegment wData = Quantize.toSegment(t, wValues);
            Tensor w = backend.upload(t, Shape.of(3, 256), wData);
            float[] xValues = random(2 * 256, 3);
            Tensor x = f32(2, 256, xValues);
            Tensor bias = f32(1, 3, 1, 2, 3);
            Tensor dst = backend.allocate(TensorType.F32, Shape.of(2, 3));
            backend.execute(new Op.MatMul(w, x, bias, dst));
            float[] expected = new float[6];
            ReferenceOps.matMul(Dequantize.all(t, wData, 3 * 256), 3, 256, xValues, 2, new float[] {1, 2, 3}, expected);
            assertArrayEquals(expected, read(dst), 0f, t.toString());
        }
    }

    @Test
    void getRowsDequantizesTheChosenRows() {
        float[] table = random(4 * 32, 4);
        MemorySegment data = Quantize.toSegment(TensorType.Q4_0, table);
        Tensor t = backend.upload(TensorType.Q4_0, Shape.of(4, 32), data);
        Tensor ids = backend.allocate(TensorType.I32, Shape.of(1, 2));
        MemorySegment idBytes = Arena.ofAuto().allocate(8);
        idBytes.set(INT, 0, 3);
        idBytes.set(INT, 4, 1);
        backend.write(ids, idBytes);
        Tensor dst = backend.allocate(TensorType.F32, Shape.of(2, 32));
        backend.execute(new Op.GetRows(t, ids, dst));
        float[] all = Dequantize.all(TensorType.Q4_0, data, 4 * 32);
        float[] expected = new float[64];
        System.arraycopy(all, 96, expected, 0, 32);
        System.arraycopy(all, 32, expected, 32, 32);
        assertArrayEquals(expected, read(dst), 0f);

        idBytes.set(INT, 0, 4);
        backend.write(ids, idBytes);
        var e = assertThrows(IllegalArgumentException.class, () -> backend.execute(new Op.GetRows(t, ids, dst)));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void copyIntoAnF16CacheSlotRoundsAndAttentionReadsIt() {
        // Cache of 3 rows, 1 KV head of dim 2; write row 1 through a view, as a model does for position 1.
        Tensor k = backend.allocate(TensorType.F16, Shape.of(3, 2));
        Tensor v = backend.allocate(TensorType.F16, Shape.of(3, 2));
        backend.execute(new Op.Copy(f32(1, 2, 0, 0), backend.view(k, 0, Shape.of(1, 2))));
        backend.execute(new Op.Copy(f32(1, 2, 1, 1), backend.view(v, 0, Shape.of(1, 2))));
        backend.execute(new Op.Copy(f32(1, 2, 0, 0), backend.view(k, 1, Shape.of(1, 2))));
        backend.execute(new Op.Copy(f32(1, 2, 1 / 3f, 3), backend.view(v, 1, Shape.of(1, 2))));
        assertArrayEquals(new float[] {1, 1, 0.333251953125f, 3, 0, 0}, read(v), 0f);

        Tensor q = f32(1, 2, 5, 5);
        Tensor dst = backend.allocate(TensorType.F32, Shape.of(1, 2));
        backend.execute(new Op.Attention(q, k, v, 1, 1, 1, 1.0f, dst));
        // Equal scores over rows 0..1: the mean of the stored (F16-rounded) values.
        assertArrayEquals(new float[] {(float) ((1 + 0.333251953125) / 2), 2}, read(dst), 0f);
    }

    @Test
    void elementwiseOpsRunInPlace() {
        Tensor a = f32(2, 2, 1, 2, 3, 4);
        backend.execute(new Op.Add(a, f32(1, 2, 10, 20), a));
        backend.execute(new Op.Mul(a, a, a));
        assertArrayEquals(new float[] {121, 484, 169, 576}, read(a), 0f);
    }

    @Test
    void runsTheRemainingOps() {
        Tensor x = f32(2, 4, 1, 2, 3, 4, 4, 3, 2, 1);
        Tensor dst = backend.allocate(TensorType.F32, Shape.of(2, 4));

        backend.execute(new Op.Rope(x, 4, 4, RopeMode.NEOX, 10000f, null, 5, dst));
        float[] expected = new float[8];
        ReferenceOps.rope(new float[] {1, 2, 3, 4, 4, 3, 2, 1}, 2, 4, 4, 4, RopeMode.NEOX, 10000f, null, 5, expected);
        assertArrayEquals(expected, read(dst), 0f);

        backend.execute(new Op.RmsNorm(x, f32(1, 4, 1, 1, 1, 2), 0f, dst));
        double rms = Math.sqrt(7.5);
        assertArrayEquals(new float[] {(float) (1 / rms), (float) (2 / rms), (float) (3 / rms), (float) (8 / rms),
                (float) (4 / rms), (float) (3 / rms), (float) (2 / rms), (float) (2 / rms)}, read(dst), 1e-6f);

        backend.execute(new Op.Softmax(x, 0f, dst));
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f, 0.25f}, read(dst), 0f);

        backend.execute(new Op.SwiGlu(x, x, dst));
        float[] swi = new float[8];
        ReferenceOps.swiGlu(read(x), read(x), swi);
        assertArrayEquals(swi, read(dst), 0f);

        backend.execute(new Op.Silu(x, dst));
        assertEquals((float) (4 / (1 + Math.exp(-4))), read(dst)[3], 1e-6f);

        Tensor ids = backend.allocate(TensorType.I32, Shape.of(1, 2));
        backend.execute(new Op.Argmax(x, ids));
        MemorySegment out = Arena.ofAuto().allocate(8);
        backend.read(ids, out);
        assertArrayEquals(new int[] {3, 0}, out.toArray(INT));
    }

    @Test
    void closedBackendRefusesWork() {
        Tensor x = f32(1, 2, 1, 2);
        backend.close();
        assertThrows(IllegalStateException.class, () -> backend.execute(new Op.Silu(x, x)));
        assertThrows(IllegalStateException.class, () -> backend.allocate(TensorType.F32, Shape.of(1, 1)));
        backend.close();
    }
}
