package io.microllm.runtime.exec;

import io.microllm.spi.Backend;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Support;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorSpec;
import io.microllm.spi.TensorType;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Runs ops over a ranked list of backends, primary first. Each op runs on the primary when it
 * {@link Backend#supports supports} it, otherwise on the next backend that does (or, in strict mode, fails naming
 * the op and the reason). Tensors are {@link LogicalTensor}s: each backend that touches one gets its own copy, and
 * before an op reads it there, the rows another backend wrote since are copied over through the host. Weights are
 * uploaded to a backend the first time an op there needs them. Fallback backends are opened only when first needed.
 *
 * <p>Not thread-safe, like the backends it drives.
 */
public final class Executor implements AutoCloseable {
    private final List<Supplier<Backend>> openers;
    private final Backend[] backends;
    private final String[] openFailures;
    private final boolean strict;

    /**
     * Per backend, op class → its name and count. Counted by class in an identity map: per op, {@link Op#name()}
     * (reflection) and hashing names showed in decode profiles.
     */
    private final List<Map<Class<?>, OpCount>> opCounts = new ArrayList<>();
    private final Map<String, String> fallbacks = new LinkedHashMap<>();
    private final long[] weightBytes;
    private long bytesMoved;
    private long transfers;

    /**
     * @param ranked backends in order of preference; the first (the primary) is opened now, the others when an op
     *               the primary declines needs them
     * @param strict when true, any op the primary declines throws instead of falling back
     */
    public Executor(List<Supplier<Backend>> ranked, boolean strict) {
        if (ranked.isEmpty()) throw new IllegalArgumentException("an executor needs at least one backend");
        this.openers = List.copyOf(ranked);
        this.backends = new Backend[ranked.size()];
        this.openFailures = new String[ranked.size()];
        this.weightBytes = new long[ranked.size()];
        this.strict = strict;
        for (int i = 0; i < ranked.size(); i++) opCounts.add(new IdentityHashMap<>());
        backends[0] = openers.getFirst().get();
    }

    /** An executor over backends that are already open (it closes them). */
    public static Executor of(boolean strict, Backend... ranked) {
        return new Executor(Arrays.stream(ranked).map(b -> (Supplier<Backend>) () -> b).toList(), strict);
    }

    public Backend primary() { return backends[0]; }

    public boolean strict() { return strict; }

    /** A zero-filled activation or cache buffer; backends allocate their copy when an op first uses it. */
    public LogicalTensor allocate(String name, TensorType type, Shape shape) {
        return new LogicalTensor(new Storage(name, type, shape, null, backends.length), 0, shape);
    }

    /** A weight whose GGUF-layout {@code data} must stay valid until this executor is closed. */
    public LogicalTensor weight(String name, TensorType type, Shape shape, MemorySegment data) {
        if (data.byteSize() != type.bytes(shape.elements())) {
            throw new IllegalArgumentException(name + ": " + type + " " + shape + " needs " + type.bytes(shape.elements())
                    + " bytes, got " + data.byteSize());
        }
        return new LogicalTensor(new Storage(name, type, shape, data, backends.length), 0, shape);
    }

    /**
     * {@code shape.elements()} elements of {@code base} starting at its row {@code firstRow}: a KV-cache slot, the
     * first n rows of a batch buffer, or a reshape such as [n, heads·d] as [n·heads, d].
     */
    public LogicalTensor view(LogicalTensor base, int firstRow, Shape shape) {
        long offset = base.elementOffset + (long) firstRow * base.shape().cols();
        long end = (long) firstRow * base.shape().cols() + shape.elements();
        if (firstRow < 0 || end > base.shape().elements()) {
            throw new IllegalArgumentException("view " + shape + " at row " + firstRow + " does not fit in " + base);
        }
        if (offset % base.storage.shape.cols() != 0) {
            throw new IllegalArgumentException("view of " + base + " must start at a row of " + base.storage.shape);
        }
        return new LogicalTensor(base.storage, offset, shape);
    }

    /** Runs {@code op}, whose tensors are this executor's {@link LogicalTensor}s, on the first backend that takes it. */
    public void run(Op op) {
        int b = place(op);
        for (Tensor t : op.inputs()) makeCurrent(logical(t).storage, b);
        LogicalTensor dst = logical(op.output());
        if (dst.storage.isWeight()) throw new IllegalArgumentException(op.name() + " writes weight " + dst.name());
        // A partial write keeps the rest of the buffer, so that rest must be current on b too.
        if (dst.coversStorage()) ensureCopy(dst.storage, b);
        else makeCurrent(dst.storage, b);
        backends[b].execute(withTensors(op, t -> physical(logical(t), b)));
        dst.storage.wrote(b, dst.firstRow(), dst.endRow());
        opCounts.get(b).computeIfAbsent(op.getClass(), k -> new OpCount(op.name())).count++;
    }

    /** Host to device: {@code src} holds {@code dst.byteSize()} bytes in GGUF layout. */
    public void write(LogicalTensor dst, MemorySegment src) {
        Storage s = dst.storage;
        if (s.isWeight()) throw new IllegalArgumentException("cannot write weight " + s.name);
        int b = Math.max(s.currentHolder(), 0);
        if (dst.coversStorage()) ensureCopy(s, b);
        else makeCurrent(s, b);
        backends[b].write(physical(dst, b), src);
        s.wrote(b, dst.firstRow(), dst.endRow());
    }

    /** Device to host, from a backend holding the current data; waits for pending ops there. */
    public void read(LogicalTensor src, MemorySegment dst) {
        Storage s = src.storage;
        if (s.isWeight()) {
            MemorySegment.copy(s.weightData, s.type.bytes(src.elementOffset), dst, 0, src.byteSize());
            return;
        }
        int b = Math.max(s.currentHolder(), 0);
        ensureCopy(s, b);
        backends[b].read(physical(src, b), dst);
    }

    /** Waits for every opened backend. */
    public void synchronize() {
        for (Backend b : backends) if (b != null) b.synchronize();
    }

    /** What ran where since the executor was made or {@link #resetCounts()}; weight uploads are never reset. */
    public PlacementReport report() {
        List<String> names = new ArrayList<>();
        Map<String, Map<String, Long>> ops = new LinkedHashMap<>();
        Map<String, Long> weights = new LinkedHashMap<>();
        for (int b = 0; b < backends.length; b++) {
            if (backends[b] == null) continue;
            String name = name(b);
            names.add(name);
            Map<String, Long> counts = new HashMap<>();
            for (OpCount c : opCounts.get(b).values()) counts.put(c.name, c.count);
            ops.put(name, counts);
            weights.put(name, weightBytes[b]);
        }
        return new PlacementReport(names, ops, fallbacks, bytesMoved, transfers, weights);
    }

    /** Forgets op counts, fallbacks and bytes moved (e.g. after a warm-up run). */
    public void resetCounts() {
        opCounts.forEach(Map::clear);
        fallbacks.clear();
        bytesMoved = 0;
        transfers = 0;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int b = backends.length - 1; b >= 0; b--) {
            if (backends[b] == null) continue;
            try {
                backends[b].close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
            backends[b] = null;
        }
        if (failure != null) throw failure;
    }

    /** The index of the backend that runs {@code op}. Backends see the op with {@link TensorSpec}s. */
    private int place(Op op) {
        Op spec = withTensors(op, t -> logical(t).spec);
        Support primary = backends[0].supports(spec);
        if (primary.supported()) return 0;
        if (strict) {
            throw new IllegalStateException("strict mode: " + name(0) + " declines " + describe(op) + ": " + primary.reason());
        }
        List<String> reasons = new ArrayList<>(List.of(name(0) + ": " + primary.reason()));
        for (int b = 1; b < backends.length; b++) {
            if (!open(b)) {
                reasons.add(openFailures[b]);
                continue;
            }
            Support s = backends[b].supports(spec);
            if (s.supported()) {
                fallbacks.putIfAbsent(op.name(), name(0) + " declines (" + primary.reason() + "), ran on " + name(b));
                return b;
            }
            reasons.add(name(b) + ": " + s.reason());
        }
        throw new IllegalStateException("no backend runs " + describe(op) + "; " + String.join("; ", reasons));
    }

    private static final class OpCount {
        final String name;
        long count;

        OpCount(String name) { this.name = name; }
    }

    private boolean open(int b) {
        if (backends[b] != null) return true;
        if (openFailures[b] != null) return false;
        try {
            backends[b] = openers.get(b).get();
            return true;
        } catch (RuntimeException e) {
            openFailures[b] = "fallback backend " + b + " failed to open: " + e.getMessage();
            return false;
        }
    }

    private String name(int b) { return backends[b].device().qualifiedId(); }

    private static String describe(Op op) {
        StringBuilder s = new StringBuilder(op.name()).append('(');
        for (Tensor t : op.inputs()) s.append(s.charAt(s.length() - 1) == '(' ? "" : ", ").append(t.type()).append(' ').append(t.shape());
        return s.append(')').toString();
    }

    private static LogicalTensor logical(Tensor t) {
        if (t instanceof LogicalTensor l) return l;
        throw new IllegalArgumentException("ops given to the executor must use its LogicalTensors, got " + t);
    }

    private void ensureCopy(Storage s, int b) {
        if (s.copies[b] != null) return;
        if (s.isWeight()) {
            s.created(b, backends[b].upload(s.type, s.shape, s.weightData));
            weightBytes[b] += s.weightData.byteSize();
        } else {
            s.created(b, backends[b].allocate(s.type, s.shape));
        }
    }

    /** Gives backend {@code b} the current data of {@code s}, copying the rows it lacks from a backend that has them. */
    private void makeCurrent(Storage s, int b) {
        ensureCopy(s, b);
        if (s.current(b)) return;
        int from = s.currentHolder();   // the last writer always is one
        int first = s.staleFrom(b), end = s.staleTo(b);
        Tensor source = rows(s, from, first, end), target = rows(s, b, first, end);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(source.byteSize(), 64);
            backends[from].read(source, staging);
            backends[b].write(target, staging);
        }
        bytesMoved += source.byteSize();
        transfers++;
        s.refreshed(b);
    }

    /** Rows {@code [first, end)} of backend {@code b}'s copy of {@code s}. */
    private Tensor rows(Storage s, int b, int first, int end) {
        if (first == 0 && end == s.shape.rows()) return s.copies[b];
        return backends[b].view(s.copies[b], first, Shape.of(end - first, s.shape.cols()));
    }

    private Tensor physical(LogicalTensor t, int b) {
        Tensor p = t.physical(b);
        if (p == null) {
            Storage s = t.storage;
            p = t.elementOffset == 0 && t.shape().equals(s.shape) ? s.copies[b]
                    : backends[b].view(s.copies[b], (int) (t.elementOffset / s.shape.cols()), t.shape());
            t.physical(b, p);
        }
        return p;
    }

    /** The same op with every tensor replaced by {@code f(tensor)} (nulls stay null). */
    static Op withTensors(Op op, UnaryOperator<Tensor> f) {
        UnaryOperator<Tensor> g = t -> t == null ? null : f.apply(t);
        return switch (op) {
            case Op.GetRows o -> new Op.GetRows(g.apply(o.table()), g.apply(o.ids()), g.apply(o.dst()));
            case Op.RmsNorm o -> new Op.RmsNorm(g.apply(o.x()), g.apply(o.weight()), o.eps(), g.apply(o.dst()));
            case Op.MatMul o -> new Op.MatMul(g.apply(o.w()), g.apply(o.x()), g.apply(o.bias()), g.apply(o.dst()));
            case Op.Rope o -> new Op.Rope(g.apply(o.x()), o.headDim(), o.nRot(), o.mode(), o.base(), g.apply(o.freqFactors()),
                    o.position0(), g.apply(o.dst()));
            case Op.Attention o -> new Op.Attention(g.apply(o.q()), g.apply(o.k()), g.apply(o.v()), o.nHead(), o.nKvHead(),
                    o.position0(), o.scale(), g.apply(o.dst()));
            case Op.Softmax o -> new Op.Softmax(g.apply(o.x()), o.scale(), g.apply(o.dst()));
            case Op.Silu o -> new Op.Silu(g.apply(o.x()), g.apply(o.dst()));
            case Op.SwiGlu o -> new Op.SwiGlu(g.apply(o.gate()), g.apply(o.up()), g.apply(o.dst()));
            case Op.Add o -> new Op.Add(g.apply(o.a()), g.apply(o.b()), g.apply(o.dst()));
            case Op.Mul o -> new Op.Mul(g.apply(o.a()), g.apply(o.b()), g.apply(o.dst()));
            case Op.Scale o -> new Op.Scale(g.apply(o.x()), o.factor(), g.apply(o.dst()));
            case Op.Copy o -> new Op.Copy(g.apply(o.src()), g.apply(o.dst()));
            case Op.Argmax o -> new Op.Argmax(g.apply(o.x()), g.apply(o.dst()));
        };
    }
}
