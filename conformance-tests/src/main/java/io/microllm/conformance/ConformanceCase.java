package io.microllm.conformance;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One op × type × shape case. A comparing case runs its program on the reference and on the backend and compares
 * the outputs; a rejecting case expects the backend to throw {@link IllegalArgumentException} for bad input.
 */
public final class ConformanceCase {

    /** How heavy a case is: quick runs take {@link #SMALL} only. */
    public enum Size {
        /** Odd small shapes: milliseconds. */
        SMALL,
        /** Real model layer shapes (SmolLM2-135M, Qwen3-0.6B, Llama-3.2-1B). */
        MODEL,
        /** Vocabulary-sized tensors and the largest block: seconds each on the scalar reference. */
        LARGE
    }

    private final String op;
    private final String type;
    private final String params;
    private final OpClass opClass;
    private final Size size;
    private final Consumer<Workspace> program;
    private final Function<Workspace, Runnable> rejection;

    private ConformanceCase(String op, String type, String params, OpClass opClass, Size size,
                            Consumer<Workspace> program, Function<Workspace, Runnable> rejection) {
        this.op = Objects.requireNonNull(op);
        this.type = Objects.requireNonNull(type);
        this.params = Objects.requireNonNull(params);
        this.opClass = Objects.requireNonNull(opClass);
        this.size = Objects.requireNonNull(size);
        this.program = program;
        this.rejection = rejection;
    }

    /** A case whose outputs ({@link Workspace#output}) are compared with the reference's. */
    static ConformanceCase compare(String op, String type, String params, OpClass opClass, Size size, Consumer<Workspace> program) {
        return new ConformanceCase(op, type, params, opClass, size, program, null);
    }

    /** A bad-input case: the program sets up valid tensors and returns the one call that must be rejected. */
    static ConformanceCase rejects(String checkedOp, String params, Function<Workspace, Runnable> badCall) {
        return new ConformanceCase("BadInput", checkedOp, params, OpClass.REJECT, Size.SMALL, null, badCall);
    }

    /** The op under test ("MatMul", "Rope", "TransformerBlock", "BadInput"). */
    public String op() { return op; }

    /** The type the support matrix groups by: the weight type, the cache type, "F32->F16", or the op a bad-input case checks. */
    public String type() { return type; }

    /** The parameters that make the case unique: shapes, modes, positions. */
    public String params() { return params; }

    public OpClass opClass() { return opClass; }

    public Size size() { return size; }

    /** {@code op(params)}, unique in the suite; filters match it. */
    public String id() { return op + "(" + params + ")"; }

    boolean isRejection() { return rejection != null; }

    Consumer<Workspace> program() { return program; }

    Function<Workspace, Runnable> rejection() { return rejection; }

    @Override
    public String toString() { return id(); }
}
