package io.microllm.conformance;

import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.util.List;

import static io.microllm.conformance.Fill.uniform;
import static io.microllm.spi.TensorType.F16;
import static io.microllm.spi.TensorType.F32;
import static io.microllm.spi.TensorType.I32;
import static io.microllm.spi.TensorType.Q4_0;
import static io.microllm.spi.TensorType.Q8_0;

/**
 * Wrong shapes and mismatched types: every backend must throw {@link IllegalArgumentException} with a message, and
 * write nothing. Each case builds valid tensors and returns the one bad call.
 */
final class BadInputCases {
    private BadInputCases() {}

    static List<ConformanceCase> all() {
        return List.of(
                op("MatMul", "x has 33 columns, w has 32", w -> new Op.MatMul(
                        weight(w, F32, 7, 32), act(w, 3, 33), null, w.output(F32, Shape.of(3, 7)))),
                op("MatMul", "Q4_0 w has 64 columns, x has 32", w -> new Op.MatMul(
                        weight(w, Q4_0, 7, 64), act(w, 3, 32), null, w.output(F32, Shape.of(3, 7)))),
                op("MatMul", "dst is [3, 8], must be [3, 7]", w -> new Op.MatMul(
                        weight(w, F32, 7, 32), act(w, 3, 32), null, w.output(F32, Shape.of(3, 8)))),
                op("MatMul", "x is F16", w -> new Op.MatMul(
                        weight(w, F32, 7, 32), w.input("x16", F16, Shape.of(3, 32), uniform(-1, 1)), null, w.output(F32, Shape.of(3, 7)))),
                op("MatMul", "bias has 6 columns, w has 7 rows", w -> new Op.MatMul(
                        weight(w, F32, 7, 32), act(w, 3, 32), weight(w, F32, 1, 6), w.output(F32, Shape.of(3, 7)))),
                op("GetRows", "ids are F32", w -> new Op.GetRows(
                        weight(w, Q8_0, 9, 32), act(w, 1, 4), w.output(F32, Shape.of(4, 32)))),
                op("GetRows", "dst has 33 columns, table 32", w -> new Op.GetRows(
                        weight(w, Q8_0, 9, 32), w.input("ids", I32, Shape.of(1, 4), Fill.ids(9)), w.output(F32, Shape.of(4, 33)))),
                op("RmsNorm", "weight has 32 columns, x 33", w -> new Op.RmsNorm(
                        act(w, 3, 33), weight(w, F32, 1, 32), 1e-6f, w.output(F32, Shape.of(3, 33)))),
                op("RmsNorm", "dst shape differs", w -> new Op.RmsNorm(act(w, 3, 33), null, 1e-6f, w.output(F32, Shape.of(3, 32)))),
                op("Rope", "row length 30 is not a multiple of headDim 16", w -> new Op.Rope(
                        act(w, 3, 30), 16, 16, RopeMode.NORM, 10000f, null, 0, w.output(F32, Shape.of(3, 30)))),
                op("Rope", "odd nRot", w -> new Op.Rope(
                        act(w, 3, 32), 16, 15, RopeMode.NEOX, 10000f, null, 0, w.output(F32, Shape.of(3, 32)))),
                op("Rope", "freqFactors has 4 columns, nRot/2 is 8", w -> new Op.Rope(
                        act(w, 3, 32), 16, 16, RopeMode.NORM, 10000f, weight(w, F32, 1, 4), 0, w.output(F32, Shape.of(3, 32)))),
                op("Attention", "nHead 6 is not a multiple of nKvHead 4", w -> new Op.Attention(
                        act(w, 2, 48), act(w, 8, 32), act(w, 8, 32), 6, 4, 0, 1f, w.output(F32, Shape.of(2, 48)))),
                op("Attention", "cache has 4 rows, position0 + n is 5", w -> new Op.Attention(
                        act(w, 2, 32), act(w, 4, 16), act(w, 4, 16), 4, 2, 3, 1f, w.output(F32, Shape.of(2, 32)))),
                op("Attention", "k has 24 columns, nKvHead·headDim is 16", w -> new Op.Attention(
                        act(w, 2, 32), act(w, 8, 24), act(w, 8, 16), 4, 2, 0, 1f, w.output(F32, Shape.of(2, 32)))),
                op("Attention", "Q8_0 cache", w -> new Op.Attention(
                        act(w, 2, 32), weight(w, Q8_0, 8, 32), weight(w, Q8_0, 8, 32), 2, 1, 0, 1f, w.output(F32, Shape.of(2, 32)))),
                op("Softmax", "dst shape differs", w -> new Op.Softmax(act(w, 3, 7), 1f, w.output(F32, Shape.of(7, 3)))),
                op("Add", "b is [2, 33], a [3, 33]", w -> new Op.Add(act(w, 3, 33), act(w, 2, 33), w.output(F32, Shape.of(3, 33)))),
                op("Mul", "a is F16", w -> new Op.Mul(
                        w.input("a16", F16, Shape.of(3, 33), uniform(-1, 1)), act(w, 3, 33), w.output(F32, Shape.of(3, 33)))),
                op("Scale", "dst shape differs", w -> new Op.Scale(act(w, 3, 33), 2f, w.output(F32, Shape.of(1, 99)))),
                op("Silu", "dst is F16", w -> new Op.Silu(act(w, 3, 33), w.output(F16, Shape.of(3, 33)))),
                op("SwiGlu", "up is [3, 32], gate [3, 33]", w -> new Op.SwiGlu(act(w, 3, 33), act(w, 3, 32), w.output(F32, Shape.of(3, 33)))),
                op("Copy", "element counts differ", w -> new Op.Copy(act(w, 3, 33), w.output(F16, Shape.of(3, 32)))),
                op("Copy", "into Q8_0", w -> new Op.Copy(act(w, 1, 32), weight(w, Q8_0, 1, 32))),
                op("Argmax", "dst is F32", w -> new Op.Argmax(act(w, 3, 33), w.output(F32, Shape.of(1, 3)))),
                op("Argmax", "dst is [1, 2] for 3 rows", w -> new Op.Argmax(act(w, 3, 33), w.output(I32, Shape.of(1, 2)))),
                ConformanceCase.rejects("upload", "Q4_0 rows of 48 values (not whole blocks)", w -> () -> w.uploadRaw(Q4_0, Shape.of(4, 48), 4 * 27)),
                ConformanceCase.rejects("view", "rows 5..8 of a 6-row tensor", w -> {
                    Tensor base = w.scratch(F32, Shape.of(6, 8));
                    return () -> w.view(base, 5, Shape.of(3, 8));
                }),
                ConformanceCase.rejects("view", "negative first row", w -> {
                    Tensor base = w.scratch(F32, Shape.of(6, 8));
                    return () -> w.view(base, -1, Shape.of(1, 8));
                }));
    }

    private interface BadOp { Op build(Workspace w); }

    private static ConformanceCase op(String checked, String problem, BadOp bad) {
        return ConformanceCase.rejects(checked, checked + ": " + problem, w -> {
            Op op = bad.build(w);
            return () -> w.run(op);
        });
    }

    private static Tensor act(Workspace w, int rows, int cols) {
        return w.input("act" + rows + "x" + cols, F32, Shape.of(rows, cols), uniform(-1, 1));
    }

    private static Tensor weight(Workspace w, TensorType t, int rows, int cols) {
        return w.weight("w" + rows + "x" + cols + t, t, Shape.of(rows, cols), uniform(-1, 1));
    }
}
