package io.microllm.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The op vocabulary a llama/qwen forward pass needs. Every op writes {@code dst}; all shapes are row-major
 * {@code [rows, cols]} (see {@link Shape}); activations are F32 unless stated. Elementwise ops may run in place
 * ({@code dst} the same tensor as an input). A backend dispatches with a pattern-matching {@code switch} and calls
 * {@link #validate()} first, so bad shapes fail the same clear way on every backend.
 */
public sealed interface Op {

    /** {@code dst[i] = table[ids[i]]}, dequantized to F32. table {@code [vocab, d]} any type, ids I32 {@code [1, n]}, dst {@code [n, d]}. */
    record GetRows(Tensor table, Tensor ids, Tensor dst) implements Op {}

    /** Per row: {@code dst = x / sqrt(mean(x^2) + eps) * weight}. weight F32 {@code [1, d]} or null. */
    record RmsNorm(Tensor x, Tensor weight, float eps, Tensor dst) implements Op {}

    /**
     * {@code dst = x · wᵀ (+ bias)}: w {@code [out, in]} in any weight type, x {@code [n, in]}, bias F32 {@code [1, out]}
     * or null, dst {@code [n, out]}. n = 1 is the mat-vec of generation, n > 1 the mat-mul of prompt processing.
     */
    record MatMul(Tensor w, Tensor x, Tensor bias, Tensor dst) implements Op {}

    /**
     * Rotary position embedding of each head of each row: row i has position {@code position0 + i}; x and dst are
     * {@code [n, heads * headDim]}. The first {@code nRot} dims of each head rotate with angle
     * {@code pos * base^(-2j/nRot) / freqFactors[j]}; freqFactors F32 {@code [1, nRot/2]} or null.
     */
    record Rope(Tensor x, int headDim, int nRot, RopeMode mode, float base, Tensor freqFactors, int position0, Tensor dst)
            implements Op {}

    /**
     * Causal grouped-query attention over a KV cache. q and dst {@code [n, nHead * headDim]}; k and v caches
     * {@code [ctx, nKvHead * headDim]} in F32 or F16 with rows 0..position0+n-1 filled. Query row i (position
     * {@code position0 + i}) attends cache rows 0..position0+i: {@code softmax(scale · q·kᵀ) · v}. Head h reads KV head
     * {@code h / (nHead / nKvHead)}.
     */
    record Attention(Tensor q, Tensor k, Tensor v, int nHead, int nKvHead, int position0, float scale, Tensor dst)
            implements Op {}

    /** Per row: {@code dst = softmax(scale · x)}. */
    record Softmax(Tensor x, float scale, Tensor dst) implements Op {}

    /** {@code dst = x · sigmoid(x)}. */
    record Silu(Tensor x, Tensor dst) implements Op {}

    /** {@code dst = silu(gate) · up}. */
    record SwiGlu(Tensor gate, Tensor up, Tensor dst) implements Op {}

    /** {@code dst = a + b}; b is a or one row {@code [1, cols]} broadcast over a's rows. */
    record Add(Tensor a, Tensor b, Tensor dst) implements Op {}

    /** {@code dst = a · b} elementwise; b is a or one row {@code [1, cols]} broadcast over a's rows. */
    record Mul(Tensor a, Tensor b, Tensor dst) implements Op {}

    /** {@code dst = x · factor}. */
    record Scale(Tensor x, float factor, Tensor dst) implements Op {}

    /** Copy with conversion between F32, F16 and BF16 (e.g. new K/V rows into an F16 cache view); same element count. */
    record Copy(Tensor src, Tensor dst) implements Op {}

    /** Per row of x {@code [n, d]}: the index of the largest value into dst I32 {@code [1, n]}. Ties: the first. */
    record Argmax(Tensor x, Tensor dst) implements Op {}

    /** The op's name as shown in reports ("MatMul", "Rope", …). */
    default String name() { return getClass().getSimpleName(); }

    /** The tensors this op reads, in declaration order, without nulls. Cheap: called for every op executed. */
    default List<Tensor> inputs() {
        return switch (this) {
            case GetRows o -> present(o.table(), o.ids());
            case RmsNorm o -> present(o.x(), o.weight());
            case MatMul o -> present(o.w(), o.x(), o.bias());
            case Rope o -> present(o.x(), o.freqFactors());
            case Attention o -> present(o.q(), o.k(), o.v());
            case Softmax o -> present(o.x());
            case Silu o -> present(o.x());
            case SwiGlu o -> present(o.gate(), o.up());
            case Add o -> present(o.a(), o.b());
            case Mul o -> present(o.a(), o.b());
            case Scale o -> present(o.x());
            case Copy o -> present(o.src());
            case Argmax o -> present(o.x());
        };
    }

    private static List<Tensor> present(Tensor... ts) {
        List<Tensor> in = new ArrayList<>(ts.length);
        for (Tensor t : ts) if (t != null) in.add(t);
        return in;
    }

    /** The tensor this op writes. */
    default Tensor output() {
        return switch (this) {
            case GetRows o -> o.dst();
            case RmsNorm o -> o.dst();
            case MatMul o -> o.dst();
            case Rope o -> o.dst();
            case Attention o -> o.dst();
            case Softmax o -> o.dst();
            case Silu o -> o.dst();
            case SwiGlu o -> o.dst();
            case Add o -> o.dst();
            case Mul o -> o.dst();
            case Scale o -> o.dst();
            case Copy o -> o.dst();
            case Argmax o -> o.dst();
        };
    }

    /** Checks types and shapes; throws {@link IllegalArgumentException} naming the op and the mismatch. */
    default void validate() {
        try {
            checkShapes();
        } catch (NullPointerException e) {
            throw new IllegalArgumentException(name() + ": a required tensor is null", e);
        }
    }

    private void checkShapes() {
        switch (this) {
            case GetRows o -> {
                OpChecks.type(this, "ids", o.ids(), TensorType.I32);
                OpChecks.type(this, "dst", o.dst(), TensorType.F32);
                OpChecks.shape(this, "ids", o.ids(), 1, o.dst().shape().rows());
                OpChecks.cols(this, "dst", o.dst(), o.table().shape().cols());
            }
            case RmsNorm o -> {
                OpChecks.f32(this, o.x(), o.dst());
                OpChecks.same(this, o.x(), o.dst());
                if (o.weight() != null) {
                    OpChecks.type(this, "weight", o.weight(), TensorType.F32);
                    OpChecks.shape(this, "weight", o.weight(), 1, o.x().shape().cols());
                }
                OpChecks.positive(this, "eps", o.eps(), true);
            }
            case MatMul o -> {
                OpChecks.f32(this, o.x(), o.dst());
                OpChecks.cols(this, "x", o.x(), o.w().shape().cols());
                OpChecks.shape(this, "dst", o.dst(), o.x().shape().rows(), o.w().shape().rows());
                if (o.bias() != null) {
                    OpChecks.type(this, "bias", o.bias(), TensorType.F32);
                    OpChecks.shape(this, "bias", o.bias(), 1, o.w().shape().rows());
                }
            }
            case Rope o -> {
                OpChecks.f32(this, o.x(), o.dst());
                OpChecks.same(this, o.x(), o.dst());
                OpChecks.check(this, o.headDim() > 0 && o.x().shape().cols() % o.headDim() == 0,
                        () -> "row length " + o.x().shape().cols() + " is not a multiple of headDim " + o.headDim());
                OpChecks.check(this, o.nRot() > 0 && o.nRot() <= o.headDim() && o.nRot() % 2 == 0,
                        () -> "nRot " + o.nRot() + " must be even and in 1.." + o.headDim());
                OpChecks.check(this, o.position0() >= 0, () -> "position0 " + o.position0() + " is negative");
                OpChecks.positive(this, "base", o.base(), false);
                if (o.freqFactors() != null) {
                    OpChecks.type(this, "freqFactors", o.freqFactors(), TensorType.F32);
                    OpChecks.shape(this, "freqFactors", o.freqFactors(), 1, o.nRot() / 2);
                }
            }
            case Attention o -> {
                OpChecks.f32(this, o.q(), o.dst());
                OpChecks.same(this, o.q(), o.dst());
                OpChecks.check(this, o.nHead() > 0 && o.nKvHead() > 0 && o.nHead() % o.nKvHead() == 0,
                        () -> "nHead " + o.nHead() + " must be a positive multiple of nKvHead " + o.nKvHead());
                OpChecks.check(this, o.q().shape().cols() % o.nHead() == 0,
                        () -> "q row length " + o.q().shape().cols() + " is not a multiple of nHead " + o.nHead());
                int headDim = o.q().shape().cols() / o.nHead();
                for (Tensor kv : List.of(o.k(), o.v())) {
                    OpChecks.check(this, kv.type() == TensorType.F32 || kv.type() == TensorType.F16,
                            () -> "KV cache must be F32 or F16, got " + kv.type());
                    OpChecks.cols(this, kv == o.k() ? "k" : "v", kv, o.nKvHead() * headDim);
                    OpChecks.check(this, kv.shape().rows() >= o.position0() + o.q().shape().rows(),
                            () -> "KV cache has " + kv.shape().rows() + " rows, needs position0 + n = "
                                    + (o.position0() + o.q().shape().rows()));
                }
                OpChecks.check(this, o.position0() >= 0, () -> "position0 " + o.position0() + " is negative");
            }
            case Softmax o -> { OpChecks.f32(this, o.x(), o.dst()); OpChecks.same(this, o.x(), o.dst()); }
            case Silu o -> { OpChecks.f32(this, o.x(), o.dst()); OpChecks.same(this, o.x(), o.dst()); }
            case SwiGlu o -> {
                OpChecks.f32(this, o.gate(), o.up(), o.dst());
                OpChecks.same(this, o.gate(), o.up());
                OpChecks.same(this, o.gate(), o.dst());
            }
            case Add o -> OpChecks.broadcast(this, o.a(), o.b(), o.dst());
            case Mul o -> OpChecks.broadcast(this, o.a(), o.b(), o.dst());
            case Scale o -> { OpChecks.f32(this, o.x(), o.dst()); OpChecks.same(this, o.x(), o.dst()); }
            case Copy o -> {
                for (Tensor t : List.of(o.src(), o.dst())) {
                    OpChecks.check(this, t.type() == TensorType.F32 || t.type() == TensorType.F16 || t.type() == TensorType.BF16,
                            () -> "Copy converts between F32, F16 and BF16, got " + t.type());
                }
                OpChecks.check(this, o.src().shape().elements() == o.dst().shape().elements(),
                        () -> "src " + o.src().shape() + " and dst " + o.dst().shape() + " differ in element count");
            }
            case Argmax o -> {
                OpChecks.type(this, "x", o.x(), TensorType.F32);
                OpChecks.type(this, "dst", o.dst(), TensorType.I32);
                OpChecks.shape(this, "dst", o.dst(), 1, o.x().shape().rows());
            }
        }
    }

    /** Shape and type checks shared by {@link #validate()}; messages name the op and the tensor. */
    final class OpChecks {
        private OpChecks() {}

        static void check(Op op, boolean ok, Supplier<String> message) {
            if (!ok) throw new IllegalArgumentException(op.name() + ": " + message.get());
        }

        static void type(Op op, String what, Tensor t, TensorType expected) {
            check(op, t.type() == expected, () -> what + " must be " + expected + ", got " + t.type());
        }

        static void f32(Op op, Tensor... ts) {
            for (Tensor t : ts) check(op, t.type() == TensorType.F32, () -> "activations must be F32, got " + t.type() + " " + t.shape());
        }

        static void shape(Op op, String what, Tensor t, int rows, int cols) {
            check(op, t.shape().rows() == rows && t.shape().cols() == cols,
                    () -> what + " must be [" + rows + ", " + cols + "], got " + t.shape());
        }

        static void cols(Op op, String what, Tensor t, int cols) {
            check(op, t.shape().cols() == cols, () -> what + " must have " + cols + " columns, got " + t.shape());
        }

        static void same(Op op, Tensor a, Tensor b) {
            check(op, a.shape().equals(b.shape()), () -> "shapes differ: " + a.shape() + " vs " + b.shape());
        }

        static void positive(Op op, String what, float v, boolean allowZero) {
            check(op, Float.isFinite(v) && (allowZero ? v >= 0 : v > 0), () -> what + " must be " + (allowZero ? ">= 0" : "> 0") + ", got " + v);
        }

        static void broadcast(Op op, Tensor a, Tensor b, Tensor dst) {
            f32(op, a, b, dst);
            same(op, a, dst);
            check(op, b.shape().equals(a.shape()) || (b.shape().rows() == 1 && b.shape().cols() == a.shape().cols()),
                    () -> "b must be " + a.shape() + " or [1, " + a.shape().cols() + "], got " + b.shape());
        }

    }
}
