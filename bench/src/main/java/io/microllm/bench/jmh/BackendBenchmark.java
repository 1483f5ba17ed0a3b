package io.microllm.bench.jmh;

import io.microllm.spi.Backend;
import io.microllm.spi.BackendOptions;
import io.microllm.spi.Backends;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What the per-op benchmarks share (JMH reads annotations and parameters from the superclass): one fork with the
 * JVM flags microllm needs, 3 warm-up and 5 measured one-second iterations, throughput per second, and the backend
 * under test by name with its thread count, closed after each trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public abstract class BackendBenchmark {

    /** A backend choice as {@code --backend} takes it: "cpu", "opencl", "opencl:0.0" ({@code -p backendName=cpu,opencl}). */
    @Param({"cpu"})
    public String backendName;

    /** Worker threads; 0 = the backend's default, one per physical core (the cpu backend's setting). */
    @Param({"1", "0"})
    public int threads;

    /** The backend under test, opened by the subclass's set-up with {@link #openBackend}, closed after the trial. */
    protected Backend backend;

    /** The chosen backend, found through ServiceLoader like the CLI finds it. */
    protected Backend openBackend() {
        Backends backends = Backends.discover();
        return backends.open(backends.choose(backendName), BackendOptions.defaults().withThreads(threads));
    }

    @TearDown(Level.Trial)
    public void closeBackend() { backend.close(); }
}
