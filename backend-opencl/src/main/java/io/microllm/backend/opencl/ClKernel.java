package io.microllm.backend.opencl;

import org.jocl.CL;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_command_queue;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * One kernel of a program, launched as: {@code args()}, one setter per argument in order, {@code enqueue}.
 *
 * <p>Changing an argument is what a launch costs on PoCL (about 2 µs per clSetKernelArg followed by an enqueue,
 * against 2 µs for a whole launch with unchanged arguments), and a forward pass repeats the same launches token after
 * token. So this keeps several cl_kernel objects of the kernel, one per set of buffers it was last launched with
 * (most recently used kept, at most {@link #MAX_INSTANCES}), and sets only the arguments that differ from what that
 * object already holds: a layer's mat-vec finds its object with every argument in place, RoPE changes only the
 * position.
 */
final class ClKernel {
    /** cl_kernel objects kept per kernel: enough for every mat-vec of a 100-layer model. */
    static final int MAX_INSTANCES = 1024;
    private static final int MAX_ARGS = 24;

    private final cl_program program;
    final String name;
    /** The call as errors name it. */
    final String enqueueCall;

    // The launch being prepared: per argument, a buffer or up to four 64-bit words, and the byte size.
    private final cl_mem[] mems = new cl_mem[MAX_ARGS];
    private final long[][] words = new long[MAX_ARGS][4];
    private final int[] sizes = new int[MAX_ARGS];
    private int count;

    private final LinkedHashMap<BufferKey, Instance> instances = new LinkedHashMap<>(16, 0.75f, true);
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(32).order(ByteOrder.nativeOrder());
    private final Pointer scratchPointer = Pointer.to(scratch);

    ClKernel(cl_program program, String name) {
        this.program = program;
        this.name = name;
        this.enqueueCall = "clEnqueueNDRangeKernel(" + name + ")";
    }

    /** Starts a launch: arguments follow in order. */
    ClKernel args() {
        count = 0;
        return this;
    }

    ClKernel mem(cl_mem m) {
        mems[count] = m;
        sizes[count++] = Sizeof.cl_mem;
        return this;
    }

    ClKernel u32(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) throw new IllegalArgumentException(name + ": argument " + count + " = " + v + " does not fit a uint");
        return word(Sizeof.cl_uint, v);
    }

    ClKernel i32(int v) { return word(Sizeof.cl_int, v); }

    ClKernel u64(long v) { return word(Sizeof.cl_ulong, v); }

    ClKernel f32(float v) { return word(Sizeof.cl_float, Float.floatToRawIntBits(v)); }

    /** A ulong4 argument. */
    ClKernel u64x4(long[] v) {
        mems[count] = null;
        System.arraycopy(v, 0, words[count], 0, 4);
        sizes[count++] = Sizeof.cl_ulong4;
        return this;
    }

    /** A uint4 argument. */
    ClKernel u32x4(int[] v) {
        mems[count] = null;
        for (int i = 0; i < 4; i++) words[count][i] = v[i];
        sizes[count++] = Sizeof.cl_uint4;
        return this;
    }

    private ClKernel word(int size, long v) {
        mems[count] = null;
        words[count][0] = v;
        sizes[count++] = size;
        return this;
    }

    /**
     * The cl_kernel to enqueue, holding the arguments given since {@link #args()}: the object last used with the same
     * buffers (or a new or least recently used one), with only the differing arguments set.
     */
    cl_kernel bind() {
        BufferKey key = new BufferKey(Arrays.copyOf(mems, count));
        Instance in = instances.get(key);
        if (in == null) {
            if (instances.size() >= MAX_INSTANCES) {
                var eldest = instances.entrySet().iterator();
                in = eldest.next().getValue();
                eldest.remove();
                in.forget();
            } else {
                int[] err = new int[1];
                in = new Instance(Cl.created("clCreateKernel(" + name + ")", CL.clCreateKernel(program, name, err), err));
            }
            instances.put(key, in);
        }
        for (int i = 0; i < count; i++) {
            if (mems[i] != null) {
                if (!mems[i].equals(in.mems[i])) {
                    Cl.check("clSetKernelArg(" + name + ", " + i + ")", CL.clSetKernelArg(in.kernel, i, Sizeof.cl_mem, Pointer.to(mems[i])));
                    in.mems[i] = mems[i];
                }
            } else if (!in.set[i] || in.mems[i] != null || !Arrays.equals(words[i], in.words[i])) {
                scratch.clear();
                if (sizes[i] == Sizeof.cl_ulong4) for (long w : words[i]) scratch.putLong(w);
                else if (sizes[i] == Sizeof.cl_uint4) for (long w : words[i]) scratch.putInt((int) w);
                else if (sizes[i] == 8) scratch.putLong(words[i][0]);
                else scratch.putInt((int) words[i][0]);
                Cl.check("clSetKernelArg(" + name + ", " + i + ")", CL.clSetKernelArg(in.kernel, i, sizes[i], scratchPointer));
                in.mems[i] = null;
                System.arraycopy(words[i], 0, in.words[i], 0, 4);
            }
            in.set[i] = true;
        }
        return in.kernel;
    }

    /**
     * Enqueues with the given global and local sizes (each global size a multiple of its local size: PoCL has no
     * non-uniform work-groups) and returns the OpenCL result code.
     */
    int enqueue(cl_command_queue queue, long[] global, long[] local) {
        return CL.clEnqueueNDRangeKernel(queue, bind(), global.length, null, global, local, 0, null, null);
    }

    /** Releases every cl_kernel object. */
    void release() {
        for (Instance in : instances.values()) Cl.release(in.kernel);
        instances.clear();
    }

    /** The buffers of a launch, in argument order (null for non-buffer arguments). */
    private record BufferKey(cl_mem[] mems) {
        @Override
        public boolean equals(Object o) { return o instanceof BufferKey k && Arrays.equals(mems, k.mems); }

        @Override
        public int hashCode() { return Arrays.hashCode(mems); }
    }

    /** A cl_kernel object and the arguments it holds. */
    private static final class Instance {
        final cl_kernel kernel;
        final cl_mem[] mems = new cl_mem[MAX_ARGS];
        final long[][] words = new long[MAX_ARGS][4];
        final boolean[] set = new boolean[MAX_ARGS];

        Instance(cl_kernel kernel) { this.kernel = kernel; }

        /** Reused for other buffers: its arguments no longer count as known. */
        void forget() {
            Arrays.fill(mems, null);
            Arrays.fill(set, false);
        }
    }
}
