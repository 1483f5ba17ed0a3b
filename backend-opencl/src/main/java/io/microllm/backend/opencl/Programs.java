package io.microllm.backend.opencl;

import io.microllm.spi.TensorType;
import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_context;
import org.jocl.cl_device_id;
import org.jocl.cl_program;

import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds the backend's OpenCL programs (from the disk cache when possible) and hands out their kernels. Compile and
 * cache-load time are counted apart from run time and reported through {@link ProgramStats}.
 */
final class Programs implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Programs.class.getName());

    /**
     * A program: source files concatenated in order, plus build options of its own. Each holds the kernels of one op
     * family in one kernel shape ({@code rows}: -DROW_KERNELS), so a device compiles only what it can run, and only
     * when first used. Launches find kernels by Spec identity: {@link OpLauncher} resolves its Specs once.
     */
    record Spec(String name, List<String> files, String options) {
        private static final String ROWS = " -DROW_KERNELS";

        private static Spec of(String file, String options, String suffix) {
            return new Spec(file + suffix, List.of("common.cl", file + ".cl"), options);
        }

        /** A file whose kernels come in two shapes. */
        static Spec shaped(String file, boolean rows) { return rows ? of(file, ROWS, "_rows") : of(file, "", "_wg"); }

        /** A file with one kernel shape for every device. */
        static Spec plain(String file) { return of(file, "", ""); }

        /** Copy from one float type to another. */
        static Spec copy(TensorType from, TensorType to) {
            String f = from.name().toLowerCase(Locale.ROOT), t = to.name().toLowerCase(Locale.ROOT);
            return new Spec("copy_" + f + "_" + t, List.of("common.cl", "copy.cl"), " -DFROM=" + f + " -DTO=" + t);
        }

        /** Attention over an F32 or F16 KV cache. */
        static Spec attention(TensorType kvType, boolean rows) {
            Spec s = shaped("attention", rows);
            return kvType == TensorType.F16 ? new Spec(s.name() + "_f16", s.files(), s.options() + " -DKV_F16") : s;
        }

        /** MatMul and GetRows for one weight type, in GGUF or split layout (see WeightLayout). */
        static Spec weights(TensorType type, boolean split, boolean rows) {
            if (type == TensorType.I32) throw new IllegalArgumentException("I32 is not a weight type");
            String name = "matmul_" + type.name().toLowerCase(Locale.ROOT);
            Spec s = shaped("matmul", rows);
            return new Spec(name + (split ? "_split" : "") + (rows ? "_rows" : "_wg"), List.of("common.cl", name + ".cl", "matmul.cl"),
                    s.options() + (split ? " -DSPLIT_LAYOUT" : ""));
        }
    }

    private final cl_context context;
    private final ClDevice device;
    private final ProgramCache cache;
    private final String baseOptions;
    private final Map<String, cl_program> programs = new HashMap<>();
    /** By Spec identity: launches pass the same Spec instances again and again (see OpLauncher). */
    private final Map<Spec, Map<String, ClKernel>> kernels = new IdentityHashMap<>();
    private int compiled;
    private int loaded;
    private long compileNanos;
    private long loadNanos;

    Programs(cl_context context, ClDevice device, ProgramCache cache, String baseOptions) {
        this.context = context;
        this.device = device;
        this.cache = cache;
        this.baseOptions = baseOptions;
    }

    ProgramStats stats() {
        return new ProgramStats(compiled, Duration.ofNanos(compileNanos), loaded, Duration.ofNanos(loadNanos));
    }

    /** The kernel {@code kernelName} of {@code spec}, building the program on first use. */
    ClKernel kernel(Spec spec, String kernelName) {
        Map<String, ClKernel> ofProgram = kernels.computeIfAbsent(spec, s -> new HashMap<>());
        ClKernel k = ofProgram.get(kernelName);
        if (k == null) {
            k = new ClKernel(program(spec), kernelName);
            ofProgram.put(kernelName, k);
        }
        return k;
    }

    /** Builds {@code spec} now if it is not built yet (so that compile time is spent at load, not in execute). */
    void prepare(Spec spec) { program(spec); }

    private cl_program program(Spec spec) {
        cl_program p = programs.get(spec.name());
        if (p == null) {
            p = build(spec);
            programs.put(spec.name(), p);
        }
        return p;
    }

    private cl_program build(Spec spec) {
        String source = KernelSources.join(spec.files());
        String options = baseOptions + spec.options();
        String key = ProgramCache.key(source, options, device);
        cl_device_id[] devices = {device.device()};

        byte[] binary = cache.load(key);
        if (binary != null) {
            long t0 = System.nanoTime();
            int[] err = new int[1];
            int[] status = new int[1];
            cl_program p = CL.clCreateProgramWithBinary(context, 1, devices, new long[] {binary.length}, new byte[][] {binary}, status, err);
            if (err[0] == CL.CL_SUCCESS && status[0] == CL.CL_SUCCESS) {
                Cl.created("clCreateProgramWithBinary(" + spec.name() + ")", p, err);
                if (CL.clBuildProgram(p, 1, devices, options, null, null) == CL.CL_SUCCESS) {
                    loaded++;
                    loadNanos += System.nanoTime() - t0;
                    return p;
                }
                Cl.release(p);
            }
            cache.evict(key);  // refused by this driver: rebuild from source below
        }

        long t0 = System.nanoTime();
        int[] err = new int[1];
        cl_program p = Cl.created("clCreateProgramWithSource(" + spec.name() + ")",
                CL.clCreateProgramWithSource(context, 1, new String[] {source}, null, err), err);
        int code = CL.clBuildProgram(p, 1, devices, options, null, null);
        if (code != CL.CL_SUCCESS) {
            String log = buildLog(p);
            Cl.release(p);
            throw new IllegalStateException("OpenCL program '" + spec.name() + "' failed to build on " + device.name()
                    + " with options '" + options.trim() + "': " + OpenClException.errorName(code) + " (" + code + ")\n" + log,
                    new OpenClException("clBuildProgram(" + spec.name() + ")", code));
        }
        // Fetching the binary is part of the cost: PoCL finishes code generation for it.
        if (cache.dir() != null) cache.store(key, binary(p, spec.name()));
        long nanos = System.nanoTime() - t0;
        compiled++;
        compileNanos += nanos;
        LOG.log(System.Logger.Level.INFO, () -> "OpenCL program " + spec.name() + " compiled for " + device.name() + " in "
                + nanos / 1_000_000 + " ms" + (cache.dir() == null ? "" : ", cached in " + cache.dir()));
        return p;
    }

    private String buildLog(cl_program p) {
        long[] size = new long[1];
        if (CL.clGetProgramBuildInfo(p, device.device(), CL.CL_PROGRAM_BUILD_LOG, 0, null, size) != CL.CL_SUCCESS) return "(no build log)";
        byte[] log = new byte[(int) size[0]];
        CL.clGetProgramBuildInfo(p, device.device(), CL.CL_PROGRAM_BUILD_LOG, log.length, Pointer.to(log), null);
        return new String(log, 0, Math.max(0, log.length - 1), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static byte[] binary(cl_program p, String name) {
        long[] size = new long[1];
        Cl.check("clGetProgramInfo(" + name + ", CL_PROGRAM_BINARY_SIZES)",
                CL.clGetProgramInfo(p, CL.CL_PROGRAM_BINARY_SIZES, Sizeof.size_t, Pointer.to(size), null));
        byte[] binary = new byte[(int) size[0]];
        if (binary.length > 0) {
            Cl.check("clGetProgramInfo(" + name + ", CL_PROGRAM_BINARIES)",
                    CL.clGetProgramInfo(p, CL.CL_PROGRAM_BINARIES, Sizeof.POINTER, Pointer.to(Pointer.to(binary)), null));
        }
        return binary;
    }

    @Override
    public void close() {
        for (Map<String, ClKernel> ofProgram : kernels.values()) ofProgram.values().forEach(ClKernel::release);
        for (cl_program p : programs.values()) Cl.release(p);
        kernels.clear();
        programs.clear();
    }
}
