package io.microllm.bench.jmh;

import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * One generated token's attention over {@code context} cached positions (one layer), as decoding runs it:
 * q {@code [1, heads·headDim]} at position context − 1 against K and V caches {@code [context, kvHeads·headDim]}.
 * Heads as in SmolLM2-135M (9 query heads, 3 KV heads, head dim 64) or Qwen3-0.6B (16, 8, 128).
 * <ul>
 *   <li>{@code gigabytes}: the K and V rows read, {@code 2 · context · kvHeads · headDim · bytes per value}
 *       (q and the output are negligible);</li>
 *   <li>{@code gflop}: {@code 4 · heads · context · headDim} (a multiply-add per value for the scores and again for
 *       the weighted sum; the softmax's ~5·context per head is not counted).</li>
 * </ul>
 */
public class AttentionBenchmark extends BackendBenchmark {

    @Param({"smollm2-135m", "qwen3-0.6b"})
    public String heads;

    @Param({"128", "1024", "4096"})
    public int context;

    /** The KV cache's type: F16 (the default of microllm and llama.cpp) or F32. */
    @Param({"F16"})
    public String cache;

    private Op.Attention attention;
    private long bytes;
    private double flop;

    @Setup(Level.Trial)
    public void setup() {
        boolean smol = heads.equals("smollm2-135m");
        int nHead = smol ? 9 : 16, nKv = smol ? 3 : 8, headDim = smol ? 64 : 128;
        TensorType cacheType = TensorType.valueOf(cache);
        backend = openBackend();
        Random rnd = new Random(42);
        Tensor q = backend.allocate(TensorType.F32, Shape.of(1, nHead * headDim));
        backend.write(q, MemorySegment.ofArray(gaussian(rnd, nHead * headDim)));
        Tensor k = cacheRows(rnd, cacheType, context, nKv * headDim), v = cacheRows(rnd, cacheType, context, nKv * headDim);
        attention = new Op.Attention(q, k, v, nHead, nKv, context - 1, (float) (1 / Math.sqrt(headDim)),
                backend.allocate(TensorType.F32, Shape.of(1, nHead * headDim)));
        bytes = 2 * cacheType.bytes((long) context * nKv * headDim);
        flop = 4.0 * nHead * context * headDim;
    }

    /** A cache filled the way the model fills it: F32 rows copied into the cache's type by the backend. */
    private Tensor cacheRows(Random rnd, TensorType type, int rows, int cols) {
        Tensor f32 = backend.allocate(TensorType.F32, Shape.of(rows, cols));
        backend.write(f32, MemorySegment.ofArray(gaussian(rnd, rows * cols)));
        Tensor cache = backend.allocate(type, Shape.of(rows, cols));
        backend.execute(new Op.Copy(f32, cache));
        return cache;
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    @Benchmark
    public void attention(ByteCounter read, FlopCounter flops) {
        backend.execute(attention);
        backend.synchronize();
        read.add(bytes);
        flops.add(flop);
    }
}
