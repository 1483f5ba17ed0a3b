package io.microllm.bench.jmh;

import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
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
 * RMSNorm (with its weight) and RoPE (NORM mode, head dim 64, all dimensions rotated) on F32 rows
 * {@code rows x cols}: one token of SmolLM2-135M (1x576) or of a 2048-wide model (1x2048), and a 64-token prompt
 * (64x576). Both are memory- and dispatch-bound, so they are reported mainly as GB/s:
 * <ul>
 *   <li>{@code gigabytes}: x read and dst written, {@code 2 · rows · cols · 4} bytes (RMSNorm also reads its
 *       weight, {@code cols · 4});</li>
 *   <li>{@code gflop}: RMSNorm 3 per element (square-add, then two multiplies), RoPE 3 per element (a rotated pair
 *       is 4 multiplies and 2 adds; the sines and cosines are not counted).</li>
 * </ul>
 */
public class RowOpsBenchmark extends BackendBenchmark {

    @Param({"RmsNorm", "Rope"})
    public String op;

    @Param({"1x576", "1x2048", "64x576"})
    public String shape;

    private Op rowOp;
    private long bytes;
    private double flop;

    @Setup(Level.Trial)
    public void setup() {
        int rows = Integer.parseInt(shape.substring(0, shape.indexOf('x')));
        int cols = Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
        backend = openBackend();
        Random rnd = new Random(42);
        Tensor x = f32(rnd, rows, cols), dst = backend.allocate(TensorType.F32, Shape.of(rows, cols));
        bytes = 2L * rows * cols * 4;
        flop = 3.0 * rows * cols;
        if (op.equals("RmsNorm")) {
            rowOp = new Op.RmsNorm(x, f32(rnd, 1, cols), 1e-5f, dst);
            bytes += 4L * cols;
        } else {
            rowOp = new Op.Rope(x, 64, 64, RopeMode.NORM, 10_000f, null, 100, dst);
        }
    }

    private Tensor f32(Random rnd, int rows, int cols) {
        float[] a = new float[rows * cols];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        Tensor t = backend.allocate(TensorType.F32, Shape.of(rows, cols));
        backend.write(t, MemorySegment.ofArray(a));
        return t;
    }

    @Benchmark
    public void rowOp(ByteCounter written, FlopCounter flops) {
        backend.execute(rowOp);
        backend.synchronize();
        written.add(bytes);
        flops.add(flop);
    }
}
