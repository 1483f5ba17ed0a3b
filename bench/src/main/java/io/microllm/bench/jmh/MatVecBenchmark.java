package io.microllm.bench.jmh;

import io.microllm.kernels.quant.Quantize;
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
 * One token's mat-vec ({@code MatMul} with x {@code [1, in]}) through a backend (default cpu; any provider found
 * through ServiceLoader with {@code -p backendName=opencl} or {@code cpu,opencl,tornado}; tornado needs TornadoVM's
 * JVM flags in the fork, which {@code bench/jmh} adds), as generation runs it.
 * Reported as weight bytes read per second: the {@code gigabytes} counter adds the weight tensor's GGUF size
 * ({@code rows · cols / blockSize · blockBytes}) per op; x (in·4 bytes) and dst are not counted. {@code gflop}
 * adds {@code 2 · rows · cols} per op (a multiply and an add per weight; dequantization is not counted).
 * Shapes are {@code rows x cols} = {@code out x in}: SmolLM-135M's 576x576 (attention), 1536x576 (FFN up),
 * 49152x576 (output head), and the 4096x4096 / 16384x4096 of a 7B-class model. K-quant rows are whole
 * 256-element super-blocks, so Q4_K and Q6_K at 576 columns fail in set-up (JMH reports them as errors and
 * {@link JmhReport} leaves them out); pass {@code -p shape=4096x4096,16384x4096} to run only valid pairs.
 *
 * <p>Set-up runs the op once and prints how long that first call took, apart from the measurement: on a device
 * backend it holds the kernel's JIT compilation (TornadoVM: Java to OpenCL C, then the driver's build) and the
 * weights' transfer, which JMH's warm-up would otherwise hide.
 */
public class MatVecBenchmark extends BackendBenchmark {

    @Param({"Q8_0", "Q4_0", "Q4_K", "Q6_K", "F16"})
    public String type;

    @Param({"576x576", "1536x576", "49152x576", "4096x4096", "16384x4096"})
    public String shape;

    private Arena arena;
    private Op.MatMul matVec;
    private long weightBytes;
    private double flop;

    @Setup(Level.Trial)
    public void setup() {
        TensorType t = TensorType.valueOf(type);
        int rows = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
        int cols = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
        long start = System.nanoTime();
        backend = openBackend();
        Random rnd = new Random(42);
        arena = Arena.ofShared();
        Tensor w = backend.upload(t, Shape.of(rows, cols), weights(arena, t, rows, cols, rnd));
        weightBytes = w.byteSize();
        flop = 2.0 * rows * cols;
        Tensor x = backend.allocate(TensorType.F32, Shape.of(1, cols));
        float[] xs = new float[cols];
        for (int i = 0; i < cols; i++) xs[i] = (float) rnd.nextGaussian();
        backend.write(x, MemorySegment.ofArray(xs));
        matVec = new Op.MatMul(w, x, null, backend.allocate(TensorType.F32, Shape.of(1, rows)));
        long firstCall = System.nanoTime();
        backend.execute(matVec);
        backend.synchronize();
        long end = System.nanoTime();
        System.out.printf("%n# %s %s %s: set-up %d ms, first mat-vec %d ms (JIT compile and transfer on device backends)%n",
                backend.device().qualifiedId(), type, shape, (firstCall - start) / 1_000_000, (end - firstCall) / 1_000_000);
    }

    /**
     * rows x cols of {@code type} in GGUF layout: 64 random rows quantized with the reference quantizer and
     * repeated, so set-up stays fast while every byte the benchmark reads is a distinct address.
     */
    static MemorySegment weights(Arena arena, TensorType type, int rows, int cols, Random rnd) {
        int distinct = Math.min(rows, 64);
        float[] values = new float[distinct * cols];
        for (int i = 0; i < values.length; i++) values[i] = (float) rnd.nextGaussian() * 0.05f;
        byte[] block = Quantize.quantize(type, values);
        long rowBytes = type.bytes(cols);
        MemorySegment all = arena.allocate(rowBytes * rows, 64);
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(MemorySegment.ofArray(block), (r % distinct) * rowBytes, all, r * rowBytes, rowBytes);
        }
        return all;
    }

    @TearDown(Level.Trial)
    public void closeArena() { arena.close(); }

    @Benchmark
    public void matVec(ByteCounter bytes, FlopCounter flops) {
        backend.execute(matVec);
        backend.synchronize(); // device backends enqueue: time the finished op
        bytes.add(weightBytes);
        flops.add(flop);
    }
}
