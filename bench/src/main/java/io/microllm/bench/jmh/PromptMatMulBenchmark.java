package io.microllm.bench.jmh;

import io.microllm.backend.cpu.CpuBackendProvider;
import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Prompt processing: {@code MatMul} of a 4096x4096 weight with {@code tokens} activation rows at once, in GFLOP/s
 * (2·rows·cols·tokens per op). Compare with {@link MatVecBenchmark}: a mat-vec per token reads every weight again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class PromptMatMulBenchmark {

    @Param({"Q8_0", "Q4_K"})
    public String type;

    @Param({"32", "128"})
    public int tokens;

    /** Worker threads; 0 = one per physical core. */
    @Param({"1", "0"})
    public int threads;

    private static final int ROWS = 4096, COLS = 4096;

    private Arena arena;
    private Backend backend;
    private Op.MatMul matMul;

    @Setup(Level.Trial)
    public void setup() {
        TensorType t = TensorType.valueOf(type);
        CpuBackendProvider provider = new CpuBackendProvider();
        backend = provider.open(provider.devices().getFirst(), BackendOptions.defaults().withThreads(threads));
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
    public void tearDown() {
        backend.close();
        arena.close();
    }

    @Benchmark
    public void matMul(FlopCounter flops) {
        backend.execute(matMul);
        flops.add(2.0 * ROWS * COLS * tokens);
    }
}
