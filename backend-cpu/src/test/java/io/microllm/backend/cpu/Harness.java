package io.microllm.backend.cpu;

import io.microllm.kernels.quant.Dequantize;
import io.microllm.kernels.quant.Quantize;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builds CPU backends in every configuration and moves float data in and out of them for the tests. */
final class Harness {
    private Harness() {}

    /** A backend configuration under test: thread count, whether the Vector API kernels and the native kernels are on. */
    record Config(int threads, boolean vector, boolean nativeKernels) {
        Config(int threads, boolean vector) { this(threads, vector, true); }

        Backend open() {
            BackendOptions options = new BackendOptions(threads, Map.of("cpu.vector", Boolean.toString(vector),
                    "cpu.native", Boolean.toString(nativeKernels)));
            CpuBackendProvider provider = new CpuBackendProvider();
            return provider.open(provider.devices().getFirst(), options);
        }

        /** Whether a mat-vec of this weight type runs natively, on activations rounded to int8. */
        boolean nativeMatVec(TensorType type) {
            return nativeKernels && NativeKernels.isAvailable() && NativeKernels.get().supports(type);
        }

        @Override
        public String toString() {
            return threads + " thread(s), " + (vector ? "Vector API" : "scalar") + (nativeKernels ? " + native" : "");
        }
    }

    /** Each Java path with and without the native kernels (which cover some weight types' mat-vecs). */
    static List<Config> configs() {
        return List.of(new Config(1, true, true), new Config(2, true, true), new Config(1, true, false),
                new Config(2, true, false), new Config(1, false, true), new Config(2, false, false));
    }

    static float[] random(Random rnd, int n, float scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian() * scale;
        return a;
    }

    static Tensor f32(Backend b, float[] values, int rows, int cols) {
        Tensor t = b.allocate(TensorType.F32, Shape.of(rows, cols));
        b.write(t, MemorySegment.ofArray(values));
        return t;
    }

    static Tensor i32(Backend b, int... values) {
        Tensor t = b.allocate(TensorType.I32, Shape.of(1, values.length));
        b.write(t, MemorySegment.ofArray(values));
        return t;
    }

    /** Quantizes {@code values} to {@code type} and uploads the bytes from a native segment (as a mapped model would be). */
    static Tensor upload(Backend b, TensorType type, float[] values, int rows, int cols) {
        MemorySegment bytes = Quantize.toSegment(type, values);
        return b.upload(type, Shape.of(rows, cols), bytes);
    }

    /** What the reference sees: the values after a round trip through {@code type}. */
    static float[] roundTrip(TensorType type, float[] values) {
        return Dequantize.all(type, MemorySegment.ofArray(Quantize.quantize(type, values)), values.length);
    }

    static float[] read(Backend b, Tensor t) {
        MemorySegment out = Arena.ofAuto().allocate(t.byteSize());
        b.read(t, out);
        return Dequantize.all(t.type(), out, t.shape().elements());
    }

    static int[] readInts(Backend b, Tensor t) {
        MemorySegment out = Arena.ofAuto().allocate(t.byteSize());
        b.read(t, out);
        return out.toArray(ValueLayout.JAVA_INT);
    }

    /** Normalised mean squared error of {@code actual} against {@code expected}. */
    static double nmse(float[] actual, float[] expected) {
        assertTrue(actual.length == expected.length, "length " + actual.length + " vs " + expected.length);
        double err = 0, ref = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            err += d * d;
            ref += (double) expected[i] * expected[i];
        }
        return ref == 0 ? err : err / ref;
    }

    static void assertClose(float[] actual, float[] expected, double bound, String what) {
        double e = nmse(actual, expected);
        assertTrue(e <= bound, what + ": NMSE " + e + " > " + bound);
    }
}
