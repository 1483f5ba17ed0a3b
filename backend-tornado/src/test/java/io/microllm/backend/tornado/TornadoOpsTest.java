package io.microllm.backend.tornado;

import io.microllm.backend.tornado.Twin.Pair;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every op and weight type on the TornadoVM device against the scalar reference, on small shapes that still cross
 * the kernels' boundaries (rows longer than a work-group, attention over more than one chunk of keys). Surefire runs
 * with {@code -Dtornado.recover.bailout=False}: a kernel that does not compile fails here instead of running as Java.
 */
class TornadoOpsTest {

    private static Backend backend;
    private static Twin twin;

    @BeforeAll
    static void open() {
        assertEquals("False", System.getProperty(TornadoPresence.BAILOUT), "tests must run with bailout off");
        DeviceInfo device = new TornadoBackendProvider().devices().stream().filter(DeviceInfo::usable).findFirst()
                .orElseThrow(() -> new AssertionError("no usable TornadoVM device: " + new TornadoBackendProvider().devices()));
        System.out.println("[tornado] testing on " + device.qualifiedId() + " " + device.name());
        backend = new TornadoBackendProvider().open(device, BackendOptions.defaults());
        twin = new Twin(backend);
    }

    @AfterAll
    static void close() {
        if (backend instanceof TornadoBackend tb) {
            for (Map.Entry<DevicePlan.Program, Long> e : tb.firstRunNanos().entrySet()) {
                System.out.printf("[tornado] first run (JIT + run) of %-13s %6.0f ms%n", e.getKey().graphName(), e.getValue() / 1e6);
            }
        }
        if (backend != null) backend.close();
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = "I32", mode = EnumSource.Mode.EXCLUDE)
    void getRowsDequantizesEveryType(TensorType type) {
        Pair table = twin.random(type, 6, 512, 2);
        Pair ids = twin.ints(5, 0, 3, 5);
        Pair dst = twin.allocate(TensorType.F32, 4, 512);
        twin.run(s -> new Op.GetRows(s.apply(table), s.apply(ids), s.apply(dst)));
        twin.assertClose("GetRows " + type, dst, 1e-6);
    }

    @ParameterizedTest
    @EnumSource(value = TensorType.class, names = "I32", mode = EnumSource.Mode.EXCLUDE)
    void matMulEveryWeightType(TensorType type) {
        Pair w = twin.random(type, 37, 512, 1);
        Pair bias = twin.random(TensorType.F32, 1, 37, 1);
        for (int n : new int[] {1, 3}) {
            Pair x = twin.random(TensorType.F32, n, 512, 1);
            Pair dst = twin.allocate(TensorType.F32, n, 37);
            twin.run(s -> new Op.MatMul(s.apply(w), s.apply(x), n == 1 ? null : s.apply(bias), s.apply(dst)));
            twin.assertClose("MatMul " + type + " n=" + n, dst, 2e-5);
        }
    }

    @Test
    void rmsNormWithAndWithoutWeightInPlace() {
        Pair x = twin.random(TensorType.F32, 3, 100, 3);
        Pair w = twin.random(TensorType.F32, 1, 100, 1);
        Pair dst = twin.allocate(TensorType.F32, 3, 100);
        twin.run(s -> new Op.RmsNorm(s.apply(x), s.apply(w), 1e-5f, s.apply(dst)));
        twin.assertClose("RmsNorm", dst, 1e-6);
        twin.run(s -> new Op.RmsNorm(s.apply(x), null, 1e-6f, s.apply(x)));
        twin.assertClose("RmsNorm in place", x, 1e-6);
    }

    @ParameterizedTest
    @EnumSource(RopeMode.class)
    void ropeRotatesPairsAndCopiesTheTail(RopeMode mode) {
        Pair x = twin.random(TensorType.F32, 3, 4 * 48, 1);
        float[] factors = new float[16];
        for (int j = 0; j < factors.length; j++) factors[j] = 1 + j * 0.45f; // llama3-style: 1 for high frequencies, up to 8
        Pair freq = twin.upload(TensorType.F32, 1, 16, factors);
        Pair dst = twin.allocate(TensorType.F32, 3, 4 * 48);
        twin.run(s -> new Op.Rope(s.apply(x), 48, 32, mode, 10000f, null, 7, s.apply(dst)));
        twin.assertClose("Rope " + mode, dst, 1e-5);
        twin.run(s -> new Op.Rope(s.apply(x), 48, 32, mode, 500000f, s.apply(freq), 300, s.apply(x)));
        twin.assertClose("Rope " + mode + " in place with freqFactors", x, 1e-4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"F32", "F16"})
    void attentionOverAGroupedQueryCache(String cacheType) {
        TensorType type = TensorType.valueOf(cacheType);
        int headDim = 48;
        int position0 = 70; // 71..73 visible keys: two chunks of the 64-key loop
        Pair q = twin.random(TensorType.F32, 3, 4 * headDim, 1);
        Pair k = twin.random(type, 80, 2 * headDim, 1);
        Pair v = twin.random(type, 80, 2 * headDim, 1);
        Pair dst = twin.allocate(TensorType.F32, 3, 4 * headDim);
        twin.run(s -> new Op.Attention(s.apply(q), s.apply(k), s.apply(v), 4, 2, position0, 0.3f, s.apply(dst)));
        twin.assertClose("Attention " + type, dst, 1e-5);
        Pair one = twin.allocate(TensorType.F32, 1, 4 * headDim);
        Pair firstRow = twin.view(q, 0, 1, 4 * headDim);
        twin.run(s -> new Op.Attention(s.apply(firstRow), s.apply(k), s.apply(v), 4, 4 / 2, 0, 1f, s.apply(one)));
        twin.assertClose("Attention at position 0", one, 1e-6);
    }

    @Test
    void softmaxScalesEachRow() {
        Pair x = twin.random(TensorType.F32, 3, 130, 4);
        Pair dst = twin.allocate(TensorType.F32, 3, 130);
        twin.run(s -> new Op.Softmax(s.apply(x), 0.7f, s.apply(dst)));
        twin.assertClose("Softmax", dst, 1e-6);
    }

    @Test
    void elementwiseOpsWithBroadcastAndInPlace() {
        Pair a = twin.random(TensorType.F32, 3, 70, 4);
        Pair b = twin.random(TensorType.F32, 3, 70, 4);
        Pair row = twin.random(TensorType.F32, 1, 70, 2);
        Pair dst = twin.allocate(TensorType.F32, 3, 70);
        twin.run(s -> new Op.Silu(s.apply(a), s.apply(dst)));
        twin.assertClose("Silu", dst, 1e-6);
        twin.run(s -> new Op.SwiGlu(s.apply(a), s.apply(b), s.apply(dst)));
        twin.assertClose("SwiGlu", dst, 1e-6);
        twin.run(s -> new Op.Add(s.apply(a), s.apply(b), s.apply(dst)));
        twin.assertClose("Add", dst, 0);
        twin.run(s -> new Op.Add(s.apply(a), s.apply(row), s.apply(a)));
        twin.assertClose("Add broadcast in place", a, 0);
        twin.run(s -> new Op.Mul(s.apply(a), s.apply(row), s.apply(dst)));
        twin.assertClose("Mul broadcast", dst, 0);
        twin.run(s -> new Op.Mul(s.apply(a), s.apply(b), s.apply(b)));
        twin.assertClose("Mul in place", b, 0);
        twin.run(s -> new Op.Scale(s.apply(b), -0.25f, s.apply(b)));
        twin.assertClose("Scale in place", b, 0);
    }

    @Test
    void copyConvertsBitExactlyIncludingSpecialValues() {
        float[] values = new float[64];
        float[] specials = {0f, -0f, 1f, -2.5f, 65504f, 65519.99f, 65520f, -70000f, 6.1035156E-5f, 6.0E-8f, 2.98E-8f, 1e-10f,
                1.0009766f, 1.00146484f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 3.4e38f,
                1.1754944E-38f, 1e-40f, -1e-45f, 0.33333334f, 1234.5678f, 1.0039062f};
        System.arraycopy(specials, 0, values, 0, specials.length);
        for (int i = specials.length; i < values.length; i++) values[i] = (float) Math.scalb(Math.sin(i * 7.1), i % 40 - 20);
        Pair src = twin.upload(TensorType.F32, 2, 32, values);
        for (TensorType to : new TensorType[] {TensorType.F16, TensorType.BF16}) {
            Pair narrow = twin.allocate(to, 2, 32);
            twin.run(s -> new Op.Copy(s.apply(src), s.apply(narrow)));
            twin.assertSameBytes("Copy F32 -> " + to, narrow);
            Pair back = twin.allocate(TensorType.F32, 1, 64);
            twin.run(s -> new Op.Copy(s.apply(narrow), s.apply(back)));
            twin.assertSameFloats("Copy " + to + " -> F32", back);
            Pair same = twin.allocate(to, 2, 32);
            twin.run(s -> new Op.Copy(s.apply(narrow), s.apply(same)));
            twin.assertSameBytes("Copy " + to + " -> " + to, same);
        }
        Pair half = twin.allocate(TensorType.F16, 2, 32);
        Pair brain = twin.allocate(TensorType.BF16, 2, 32);
        twin.run(s -> new Op.Copy(s.apply(src), s.apply(half)));
        twin.run(s -> new Op.Copy(s.apply(half), s.apply(brain)));
        twin.assertSameBytes("Copy F16 -> BF16", brain);
    }

    @Test
    void argmaxTakesTheFirstOfEqualMaxima() {
        float[] values = new float[3 * 200];
        for (int i = 0; i < values.length; i++) values[i] = (float) Math.sin(i);
        values[17] = 5;
        values[150] = 5;
        values[200 + 199] = 9;
        values[400 + 64] = -1e30f;
        Pair x = twin.upload(TensorType.F32, 3, 200, values);
        Pair dst = twin.allocate(TensorType.I32, 1, 3);
        twin.run(s -> new Op.Argmax(s.apply(x), s.apply(dst)));
        twin.assertSameBytes("Argmax", dst);
        assertEquals(17, twin.deviceBytes(dst).getAtIndex(Twin.INT, 0));
    }

    @Test
    void kvCacheRowsWrittenThroughViewsThenAttended() {
        int headDim = 32;
        Pair k = twin.allocate(TensorType.F16, 16, 2 * headDim);
        Pair v = twin.allocate(TensorType.F16, 16, 2 * headDim);
        for (int pos = 0; pos < 5; pos++) {
            Pair newK = twin.random(TensorType.F32, 1, 2 * headDim, 1);
            Pair newV = twin.random(TensorType.F32, 1, 2 * headDim, 1);
            Pair kSlot = twin.view(k, pos, 1, 2 * headDim);
            Pair vSlot = twin.view(v, pos, 1, 2 * headDim);
            twin.run(s -> new Op.Copy(s.apply(newK), s.apply(kSlot)));
            twin.run(s -> new Op.Copy(s.apply(newV), s.apply(vSlot)));
            Pair q = twin.random(TensorType.F32, 1, 4 * headDim, 1);
            Pair out = twin.allocate(TensorType.F32, 1, 4 * headDim);
            int position = pos;
            twin.run(s -> new Op.Attention(s.apply(q), s.apply(k), s.apply(v), 4, 2, position, 0.17f, s.apply(out)));
            twin.assertClose("Attention at position " + pos, out, 1e-5);
        }
        twin.assertSameBytes("K cache", k);
    }

    @Test
    void writeAndReadRoundTripThroughTheDeviceAndViews() {
        Pair a = twin.random(TensorType.F32, 4, 100_000, 1); // larger than one staging buffer
        Pair row = twin.view(a, 2, 1, 100_000);
        twin.run(s -> new Op.Scale(s.apply(row), 2f, s.apply(row)));
        twin.assertClose("Scale of a view", a, 0);
        Pair ids = twin.ints(1, 2, 3);
        twin.assertSameBytes("ids", ids);
    }

    @Test
    void growingAHeapAfterOpsKeepsTheData() {
        Pair x = twin.random(TensorType.F32, 2, 64, 1);
        twin.run(s -> new Op.Scale(s.apply(x), 3f, s.apply(x)));
        int builds = ((TornadoBackend) backend).planBuilds();
        Pair big = twin.allocate(TensorType.F32, 4096, 4096); // 64 MiB, beyond the room left: the plan is rebuilt
        Pair y = twin.random(TensorType.F32, 2, 64, 1);
        twin.run(s -> new Op.Add(s.apply(x), s.apply(y), s.apply(y)));
        assertEquals(builds + 1, ((TornadoBackend) backend).planBuilds(), "the float heap grew, so the plan was rebuilt");
        twin.assertClose("data kept across the heap replacement", y, 0);
        twin.assertSameBytes("new tensor is zero", big);
    }

    @Test
    void badInputFailsWithTheProblemNamed() {
        Pair table = twin.random(TensorType.Q8_0, 4, 32, 1);
        Pair ids = twin.ints(1, 4);
        Pair dst = twin.allocate(TensorType.F32, 2, 32);
        var e = assertThrows(IllegalArgumentException.class,
                () -> backend.execute(new Op.GetRows(table.device(), ids.device(), dst.device())));
        assertTrue(e.getMessage().contains("id 4"), e.getMessage());
        var foreign = assertThrows(IllegalArgumentException.class,
                () -> backend.execute(new Op.Silu(dst.reference(), dst.device())));
        assertTrue(foreign.getMessage().contains("TornadoVM"), foreign.getMessage());
        assertThrows(IllegalArgumentException.class, () -> backend.upload(TensorType.F32, Shape.of(2, 2), MemorySegment.ofArray(new byte[15])));
        assertThrows(IllegalArgumentException.class, () -> backend.view(dst.device(), 1, Shape.of(2, 32)));
    }

    @Test
    void declinesHeadsWiderThanTheLocalAccumulatorAndMixedCaches() {
        TensorSpec q512 = TensorSpec.of(TensorType.F32, 1, 512);
        TensorSpec cache512 = TensorSpec.of(TensorType.F16, 8, 512);
        Support wide = backend.supports(new Op.Attention(q512, cache512, cache512, 1, 1, 0, 1f, q512));
        assertTrue(!wide.supported() && wide.reason().contains("head dimension 512"), wide.reason());
        TensorSpec q256 = TensorSpec.of(TensorType.F32, 1, 256);
        TensorSpec cache256 = TensorSpec.of(TensorType.F16, 8, 256);
        assertTrue(backend.supports(new Op.Attention(q256, cache256, cache256, 1, 1, 0, 1f, q256)).supported());
        Support mixed = backend.supports(new Op.Attention(q256, cache256, TensorSpec.of(TensorType.F32, 8, 256), 1, 1, 0, 1f, q256));
        assertTrue(!mixed.supported() && mixed.reason().contains("differ"), mixed.reason());
    }
}
