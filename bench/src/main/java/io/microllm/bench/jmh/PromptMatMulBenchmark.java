package io.microllm.bench.jmh;

import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

/**
 * Prompt processing: {@code MatMul} of a 4096x4096 weight with {@code tokens} activation rows at once, in GFLOP/s
 * (2·rows·cols·tokens per op). Compare with {@link MatVecBenchmark}: a mat-vec per token reads every weight again.
 */
public class PromptMatMulBenchmark extends BackendBenchmark {

    @Param({"Q8_0", "Q4_K"})
    public String type;

    @Param({"32", "128"})
    public int tokens;

    private static final int ROWS = 4096, COLS = 4096;

    private Arena arena;
    private Op.MatMul matMul;

    @Setup(Level.Trial)
    public void setup() {
        TensorType t = TensorType.valueOf(type);
        backend = openBackend();
        arena = Arena.ofShared();
        Random rnd = new Random(42);
        Tensor w = backend.upload(t, Shape.of(ROWS, COLS), MatVecBenchmark.weights(arena, t, ROWS, COLS, rnd));
        Tensor x = backend.allocate(TensorType.F32, Shape.of(tokens, COLS));
        float[] xs = new float[tokens * COLS];
        for (int i = 0; i < xs.length; i++) xs[i] = (float) rnd.nextGaussian();
        backend.write(x, MemorySegment.ofArray(xs));
        matMul = new Op.MatMul(w, x, null, backend.allocate(TensorType.F32, Shape.of(tokens, ROWS)));
    }

    @TearDown(Level.Trial)
    public void closeArena() { arena.close(); }

    @Benchmark
    public void matMul(FlopCounter flops) {
        backend.execute(matMul);
        flops.add(2.0 * ROWS * COLS * tokens);
    }
}
