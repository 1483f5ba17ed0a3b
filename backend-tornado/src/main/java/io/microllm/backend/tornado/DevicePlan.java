package io.microllm.backend.tornado;

import io.microllm.spi.TensorType;
import uk.ac.manchester.tornado.api.GridScheduler;
import uk.ac.manchester.tornado.api.ImmutableTaskGraph;
import uk.ac.manchester.tornado.api.KernelContext;
import uk.ac.manchester.tornado.api.TaskGraph;
import uk.ac.manchester.tornado.api.TornadoExecutionPlan;
import uk.ac.manchester.tornado.api.WorkerGrid1D;
import uk.ac.manchester.tornado.api.common.TornadoDevice;
import uk.ac.manchester.tornado.api.enums.DataTransferMode;
import uk.ac.manchester.tornado.api.enums.TornadoVMBackendType;
import uk.ac.manchester.tornado.api.exceptions.TornadoExecutionPlanException;
import uk.ac.manchester.tornado.api.types.arrays.ByteArray;
import uk.ac.manchester.tornado.api.types.arrays.FloatArray;
import uk.ac.manchester.tornado.api.types.arrays.IntArray;
import uk.ac.manchester.tornado.api.types.arrays.ShortArray;

import java.util.EnumMap;
import java.util.Map;

/**
 * One TornadoVM execution plan holding one task graph per kernel ({@link Program}), all over the same four heaps.
 *
 * <p>Why one plan: TornadoVM gives every task graph its own device buffers, and only graphs of one plan can share
 * them ({@code persistOnDevice} in each graph, {@code consumeFromDevice} in the next one run). Every graph here
 * consumes and persists all four heaps, so whichever graph ran last hands the heaps on and activations, KV cache
 * and weights never leave the device between ops. Per-call values (offsets, shapes, position, eps...) go in two
 * small parameter arrays that every graph copies in on each execution; launch sizes are set on the graph's worker
 * grid before each run. TornadoVM parses every kernel when the plan is built, and compiles each to OpenCL C (or
 * PTX, SPIR-V) the first time it runs; after that every call reuses the binary.
 */
final class DevicePlan implements AutoCloseable {

    /** Work-group size of every kernel; reductions assume a power of two. */
    static final int LOCAL = 64;
    /** Grid-stride kernels launch at most this many work-groups. */
    private static final int MAX_GROUPS = 1024;

    static final int STAGE_FLOATS = 1 << 16;
    static final int STAGE_SHORTS = 1 << 16;
    static final int STAGE_BYTES = 1 << 18;
    static final int STAGE_INTS = 1 << 12;

    /** The kernels; graph index = ordinal. Type-specific kernels exist per type, see {@link MatMulKernels}. */
    enum Program {
        /** Copies the host heaps to the device (run once, when the plan is built). */
        UPLOAD_HEAPS,
        /** Copies the float, 16-bit and int heaps back to the host (before the heaps are replaced). */
        DOWNLOAD_HEAPS,
        ELEMENTWISE, CONVERT, RMS_NORM, SOFTMAX, ARGMAX, ROPE, ATTENTION,
        GET_ROWS_F32, GET_ROWS_F16, GET_ROWS_BF16, GET_ROWS_Q4_0, GET_ROWS_Q4_1, GET_ROWS_Q5_0, GET_ROWS_Q5_1,
        GET_ROWS_Q8_0, GET_ROWS_Q4_K, GET_ROWS_Q5_K, GET_ROWS_Q6_K,
        MATMUL_F32, MATMUL_F16, MATMUL_BF16, MATMUL_Q4_0, MATMUL_Q4_1, MATMUL_Q5_0, MATMUL_Q5_1, MATMUL_Q8_0,
        MATMUL_Q4_K, MATMUL_Q5_K, MATMUL_Q6_K,
        FLOATS_IN, FLOATS_OUT, SHORTS_IN, SHORTS_OUT, BYTES_IN, INTS_IN, INTS_OUT;

        String graphName() { return name().toLowerCase(); }

        static Program matMul(TensorType weights) { return valueOf("MATMUL_" + weights.name()); }

        static Program getRows(TensorType table) { return valueOf("GET_ROWS_" + table.name()); }
    }

    final IntArray params = new IntArray(16);
    final FloatArray floatParams = new FloatArray(4);
    final FloatArray stageFloats = new FloatArray(STAGE_FLOATS);
    final ShortArray stageShorts = new ShortArray(STAGE_SHORTS);
    final ByteArray stageBytes = new ByteArray(STAGE_BYTES);
    final IntArray stageInts = new IntArray(STAGE_INTS);

    private final Heaps heaps;
    private final TornadoExecutionPlan plan;
    private final WorkerGrid1D[] grids = new WorkerGrid1D[Program.values().length];
    private final Map<Program, Long> firstRunNanos = new EnumMap<>(Program.class);

    DevicePlan(Heaps heaps, TornadoDevice device) {
        this.heaps = heaps;
        GridScheduler scheduler = new GridScheduler();
        ImmutableTaskGraph[] graphs = new ImmutableTaskGraph[Program.values().length];
        for (Program program : Program.values()) {
            graphs[program.ordinal()] = graph(program).snapshot();
            WorkerGrid1D grid = new WorkerGrid1D(LOCAL);
            grid.setLocalWork(LOCAL, 1, 1);
            grids[program.ordinal()] = grid;
            scheduler.addWorkerGrid(program.graphName() + ".t", grid);
        }
        plan = new TornadoExecutionPlan(graphs);
        // TornadoVM's default OpenCL flags include -cl-fast-relaxed-math, under which NaN, infinity and -0.0 are
        // undefined: the fp16/bf16 conversions and the softmax/attention masking need IEEE semantics.
        plan.withDevice(device).withGridScheduler(scheduler).withCompilerFlags(TornadoVMBackendType.OPENCL, "-w");
        run(Program.UPLOAD_HEAPS, LOCAL);
    }

    /** Runs a grid-stride kernel over {@code items} independent items. */
    void runItems(Program program, long items) {
        long groups = Math.max(1, Math.min(MAX_GROUPS, (items + LOCAL - 1) / LOCAL));
        run(program, (int) (groups * LOCAL));
    }

    /** Runs a kernel with one work-group per unit of work (row, output row, query head). */
    void runGroups(Program program, int groups) {
        run(program, Math.multiplyExact(groups, LOCAL));
    }

    /** How long each kernel's first run took (JIT compilation included), for diagnostics. */
    Map<Program, Long> firstRunNanos() { return Map.copyOf(firstRunNanos); }

    private void run(Program program, int globalSize) {
        grids[program.ordinal()].setGlobalWork(globalSize, 1, 1);
        boolean first = !firstRunNanos.containsKey(program);
        long start = System.nanoTime();
        try {
            plan.withGraph(program.ordinal()).execute();
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError fatal) throw fatal;
            // TornadoInternalError (an Error) and bailouts surface here, on the first run of a kernel that does not compile.
            throw new IllegalStateException("TornadoVM failed to run kernel '" + program.graphName() + "': " + e, e);
        }
        if (first) firstRunNanos.put(program, System.nanoTime() - start);
    }

    private TaskGraph graph(Program program) {
        FloatArray f = heaps.floats;
        ShortArray h = heaps.shorts;
        ByteArray b = heaps.bytes;
        IntArray i = heaps.ints;
        IntArray p = params;
        FloatArray pf = floatParams;
        KernelContext ctx = new KernelContext();
        TaskGraph g = new TaskGraph(program.graphName());
        if (program == Program.UPLOAD_HEAPS) {
            g.transferToDevice(DataTransferMode.EVERY_EXECUTION, f, h, b, i);
        } else {
            g.consumeFromDevice(f, h, b, i);
        }
        g.transferToDevice(DataTransferMode.EVERY_EXECUTION, p, pf);
        switch (program) {
            case UPLOAD_HEAPS, DOWNLOAD_HEAPS -> g.task("t", TransferKernels::touch, ctx, f, h, b, i, p, pf);
            case ELEMENTWISE -> g.task("t", PointwiseKernels::elementwise, ctx, f, h, b, i, p, pf);
            case CONVERT -> g.task("t", PointwiseKernels::convert, ctx, f, h, b, i, p, pf);
            case RMS_NORM -> g.task("t", RowKernels::rmsNorm, ctx, f, h, b, i, p, pf);
            case SOFTMAX -> g.task("t", RowKernels::softmax, ctx, f, h, b, i, p, pf);
            case ARGMAX -> g.task("t", RowKernels::argmax, ctx, f, h, b, i, p, pf);
            case ROPE -> g.task("t", PointwiseKernels::rope, ctx, f, h, b, i, p, pf);
            case ATTENTION -> g.task("t", AttentionKernel::attention, ctx, f, h, b, i, p, pf);
            case GET_ROWS_F32 -> g.task("t", PointwiseKernels::getRowsF32, ctx, f, h, b, i, p, pf);
            case GET_ROWS_F16 -> g.task("t", PointwiseKernels::getRowsF16, ctx, f, h, b, i, p, pf);
            case GET_ROWS_BF16 -> g.task("t", PointwiseKernels::getRowsBf16, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q4_0 -> g.task("t", PointwiseKernels::getRowsQ4_0, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q4_1 -> g.task("t", PointwiseKernels::getRowsQ4_1, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q5_0 -> g.task("t", PointwiseKernels::getRowsQ5_0, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q5_1 -> g.task("t", PointwiseKernels::getRowsQ5_1, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q8_0 -> g.task("t", PointwiseKernels::getRowsQ8_0, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q4_K -> g.task("t", PointwiseKernels::getRowsQ4_K, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q5_K -> g.task("t", PointwiseKernels::getRowsQ5_K, ctx, f, h, b, i, p, pf);
            case GET_ROWS_Q6_K -> g.task("t", PointwiseKernels::getRowsQ6_K, ctx, f, h, b, i, p, pf);
            case MATMUL_F32 -> g.task("t", MatMulKernels::matMulF32, ctx, f, h, b, i, p, pf);
            case MATMUL_F16 -> g.task("t", MatMulKernels::matMulF16, ctx, f, h, b, i, p, pf);
            case MATMUL_BF16 -> g.task("t", MatMulKernels::matMulBf16, ctx, f, h, b, i, p, pf);
            case MATMUL_Q4_0 -> g.task("t", MatMulKernels::matMulQ4_0, ctx, f, h, b, i, p, pf);
            case MATMUL_Q4_1 -> g.task("t", MatMulKernels::matMulQ4_1, ctx, f, h, b, i, p, pf);
            case MATMUL_Q5_0 -> g.task("t", MatMulKernels::matMulQ5_0, ctx, f, h, b, i, p, pf);
            case MATMUL_Q5_1 -> g.task("t", MatMulKernels::matMulQ5_1, ctx, f, h, b, i, p, pf);
            case MATMUL_Q8_0 -> g.task("t", MatMulKernels::matMulQ8_0, ctx, f, h, b, i, p, pf);
            case MATMUL_Q4_K -> g.task("t", MatMulKernels::matMulQ4_K, ctx, f, h, b, i, p, pf);
            case MATMUL_Q5_K -> g.task("t", MatMulKernels::matMulQ5_K, ctx, f, h, b, i, p, pf);
            case MATMUL_Q6_K -> g.task("t", MatMulKernels::matMulQ6_K, ctx, f, h, b, i, p, pf);
            case FLOATS_IN -> g.transferToDevice(DataTransferMode.EVERY_EXECUTION, stageFloats)
                    .task("t", TransferKernels::floatsIn, ctx, f, h, b, i, p, pf, stageFloats);
            case FLOATS_OUT -> g.task("t", TransferKernels::floatsOut, ctx, f, h, b, i, p, pf, stageFloats)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, stageFloats);
            case SHORTS_IN -> g.transferToDevice(DataTransferMode.EVERY_EXECUTION, stageShorts)
                    .task("t", TransferKernels::shortsIn, ctx, f, h, b, i, p, pf, stageShorts);
            case SHORTS_OUT -> g.task("t", TransferKernels::shortsOut, ctx, f, h, b, i, p, pf, stageShorts)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, stageShorts);
            case BYTES_IN -> g.transferToDevice(DataTransferMode.EVERY_EXECUTION, stageBytes)
                    .task("t", TransferKernels::bytesIn, ctx, f, h, b, i, p, pf, stageBytes);
            case INTS_IN -> g.transferToDevice(DataTransferMode.EVERY_EXECUTION, stageInts)
                    .task("t", TransferKernels::intsIn, ctx, f, h, b, i, p, pf, stageInts);
            case INTS_OUT -> g.task("t", TransferKernels::intsOut, ctx, f, h, b, i, p, pf, stageInts)
                    .transferToHost(DataTransferMode.EVERY_EXECUTION, stageInts);
        }
        if (program == Program.DOWNLOAD_HEAPS) {
            g.transferToHost(DataTransferMode.EVERY_EXECUTION, f, h, i);
        }
        return g.persistOnDevice(f, h, b, i);
    }

    /** Copies the device heaps back into the host arrays (the byte heap is always current on the host). */
    void downloadHeaps() {
        params.set(0, 0);
        run(Program.DOWNLOAD_HEAPS, LOCAL);
    }

    /** Frees the device buffers. */
    @Override
    public void close() {
        try {
            plan.close();
        } catch (TornadoExecutionPlanException e) {
            throw new IllegalStateException("TornadoVM could not release the device buffers: " + e.getMessage(), e);
        }
    }
}
