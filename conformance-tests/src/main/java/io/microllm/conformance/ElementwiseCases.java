package io.microllm.conformance;

import io.microllm.conformance.ConformanceCase.Size;
import io.microllm.spi.Op;
import io.microllm.spi.Shape;
import io.microllm.spi.Tensor;
import io.microllm.spi.TensorType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static io.microllm.conformance.Fill.uniform;
import static io.microllm.spi.TensorType.BF16;
import static io.microllm.spi.TensorType.F16;
import static io.microllm.spi.TensorType.F32;
import static io.microllm.spi.TensorType.I32;

/** Add, Mul, Scale, Silu, SwiGlu, Softmax, RmsNorm, Argmax and Copy over odd and model shapes. */
final class ElementwiseCases {
    private ElementwiseCases() {}

    /** Odd row lengths (1, 7, 31, 33, 4097) and row counts no vector width divides. */
    static final List<Shape> ODD = List.of(Shape.of(1, 1), Shape.of(3, 7), Shape.of(5, 31), Shape.of(1, 33), Shape.of(3, 4097));
    /** Hidden-state shapes of SmolLM2-135M, Qwen3-0.6B and Llama-3.2-1B with odd token counts. */
    static final List<Shape> MODEL = List.of(Shape.of(7, 576), Shape.of(5, 1024), Shape.of(3, 2048));

    static List<ConformanceCase> all() {
        List<ConformanceCase> cases = new ArrayList<>();
        binary(cases, "Add", Op.Add::new);
        binary(cases, "Mul", Op.Mul::new);
        scale(cases);
        silu(cases);
        swiGlu(cases);
        softmax(cases);
        rmsNorm(cases);
        argmax(cases);
        copy(cases);
        return cases;
    }

    private interface Ternary { Op of(Tensor a, Tensor b, Tensor dst); }

    private static void binary(List<ConformanceCase> cases, String op, Ternary make) {
        for (Shape s : ODD) cases.add(binaryCase(op, make, s, s, Size.SMALL));
        for (Shape s : MODEL) cases.add(binaryCase(op, make, s, s, Size.MODEL));
        cases.add(binaryCase(op, make, Shape.of(5, 33), Shape.of(1, 33), Size.SMALL));
        cases.add(binaryCase(op, make, Shape.of(3, 4097), Shape.of(1, 4097), Size.SMALL));
        cases.add(binaryCase(op, make, Shape.of(7, 1024), Shape.of(1, 1024), Size.MODEL));
        Shape s = Shape.of(5, 33);
        cases.add(ConformanceCase.compare(op, "F32", "a=" + s + ",b=" + s + ",in-place", OpClass.ELEMENTWISE, Size.SMALL, w -> {
            Tensor a = w.inPlace("a", F32, s, uniform(-1, 1));
            w.run(make.of(a, w.input("b", F32, s, uniform(-1, 1)), a));
        }));
        Shape v = Shape.of(3, 33);
        cases.add(ConformanceCase.compare(op, "F32", "a=" + v + " view at row 4,b=" + v, OpClass.ELEMENTWISE, Size.SMALL, w ->
                w.run(make.of(w.inputView("a", F32, v, 4, uniform(-1, 1)), w.input("b", F32, v, uniform(-1, 1)), w.output(F32, v)))));
    }

    private static ConformanceCase binaryCase(String op, Ternary make, Shape a, Shape b, Size size) {
        return ConformanceCase.compare(op, "F32", "a=" + a + ",b=" + b, OpClass.ELEMENTWISE, size, w ->
                w.run(make.of(w.input("a", F32, a, uniform(-1, 1)), w.input("b", F32, b, uniform(-1, 1)), w.output(F32, a))));
    }

    private static void scale(List<ConformanceCase> cases) {
        float[] factors = {0.125f, -3.5f};
        for (int i = 0; i < ODD.size(); i++) cases.add(scaleCase(ODD.get(i), factors[i % 2], uniform(-1, 1), "", Size.SMALL));
        for (Shape s : MODEL) cases.add(scaleCase(s, 0.125f, uniform(-1, 1), "", Size.MODEL));
        // Products beyond the F32 range must come out as infinities of the right sign.
        cases.add(scaleCase(Shape.of(3, 33), 4f, Fill.specials(3e38f, -3e38f, 2e38f, -1e38f, 1e-38f, -1e-45f), ",overflow", Size.SMALL));
        Shape s = Shape.of(5, 33);
        cases.add(ConformanceCase.compare("Scale", "F32", "x=" + s + ",factor=0.5,in-place", OpClass.ELEMENTWISE, Size.SMALL, w -> {
            Tensor x = w.inPlace("x", F32, s, uniform(-1, 1));
            w.run(new Op.Scale(x, 0.5f, x));
        }));
    }

    private static ConformanceCase scaleCase(Shape s, float factor, Fill fill, String note, Size size) {
        return ConformanceCase.compare("Scale", "F32", "x=" + s + ",factor=" + factor + note, OpClass.ELEMENTWISE, size, w ->
                w.run(new Op.Scale(w.input("x", F32, s, fill), factor, w.output(F32, s))));
    }

    private static void silu(List<ConformanceCase> cases) {
        for (Shape s : ODD) cases.add(unary("Silu", s, 1, Size.SMALL, (x, dst) -> new Op.Silu(x, dst)));
        cases.add(unary("Silu", Shape.of(7, 1536), 1, Size.MODEL, (x, dst) -> new Op.Silu(x, dst)));
        // exp(-x) overflows for x < -88: a naive x·eˣ/(1+eˣ) gives NaN there.
        cases.add(unary("Silu", Shape.of(3, 4097), 100, Size.SMALL, (x, dst) -> new Op.Silu(x, dst)));
        Shape s = Shape.of(5, 33);
        cases.add(ConformanceCase.compare("Silu", "F32", "x=" + s + ",in-place", OpClass.ELEMENTWISE, Size.SMALL, w -> {
            Tensor x = w.inPlace("x", F32, s, uniform(-4, 4));
            w.run(new Op.Silu(x, x));
        }));
    }

    private static ConformanceCase unary(String op, Shape s, double range, Size size, BiFunction<Tensor, Tensor, Op> make) {
        return ConformanceCase.compare(op, "F32", "x=" + s + (range == 1 ? "" : ",range=" + range), OpClass.ELEMENTWISE, size, w ->
                w.run(make.apply(w.input("x", F32, s, uniform(-range, range)), w.output(F32, s))));
    }

    private static void swiGlu(List<ConformanceCase> cases) {
        for (Shape s : ODD) cases.add(swiGluCase(s, 4, Size.SMALL));
        cases.add(swiGluCase(Shape.of(3, 4097), 100, Size.SMALL));
        cases.add(swiGluCase(Shape.of(7, 1536), 4, Size.MODEL));
        cases.add(swiGluCase(Shape.of(5, 3072), 4, Size.MODEL));
        cases.add(swiGluCase(Shape.of(1, 8192), 4, Size.MODEL));
        Shape s = Shape.of(5, 33);
        cases.add(ConformanceCase.compare("SwiGlu", "F32", "x=" + s + ",in-place", OpClass.ELEMENTWISE, Size.SMALL, w -> {
            Tensor gate = w.inPlace("gate", F32, s, uniform(-4, 4));
            w.run(new Op.SwiGlu(gate, w.input("up", F32, s, uniform(-1, 1)), gate));
        }));
    }

    private static ConformanceCase swiGluCase(Shape s, double range, Size size) {
        return ConformanceCase.compare("SwiGlu", "F32", "x=" + s + ",range=" + range, OpClass.ELEMENTWISE, size, w ->
                w.run(new Op.SwiGlu(w.input("gate", F32, s, uniform(-range, range)), w.input("up", F32, s, uniform(-1, 1)), w.output(F32, s))));
    }

    private static void softmax(List<ConformanceCase> cases) {
        for (Shape s : ODD) cases.add(softmaxCase(s, 1f, uniform(-1, 1), "", Size.SMALL));
        cases.add(softmaxCase(Shape.of(9, 64), 0.125f, uniform(-4, 4), "", Size.SMALL));
        cases.add(softmaxCase(Shape.of(7, 33), 1f, Fill.masked(), ",masked", Size.SMALL));
        // Without subtracting the row maximum exp overflows here.
        cases.add(softmaxCase(Shape.of(3, 4097), 1f, uniform(-1000, 1000), ",range=1000", Size.SMALL));
        cases.add(softmaxCase(Shape.of(1, 151936), 1f, uniform(-20, 20), ",vocab", Size.MODEL));
        Shape v = Shape.of(2, 4097);
        cases.add(ConformanceCase.compare("Softmax", "F32", "x=" + v + " view at row 1,scale=1.0", OpClass.SOFTMAX, Size.SMALL, w ->
                w.run(new Op.Softmax(w.inputView("x", F32, v, 1, uniform(-4, 4)), 1f, w.output(F32, v)))));
    }

    private static ConformanceCase softmaxCase(Shape s, float scale, Fill fill, String note, Size size) {
        return ConformanceCase.compare("Softmax", "F32", "x=" + s + ",scale=" + scale + note, OpClass.SOFTMAX, size, w ->
                w.run(new Op.Softmax(w.input("x", F32, s, fill), scale, w.output(F32, s))));
    }

    private static void rmsNorm(List<ConformanceCase> cases) {
        for (Shape s : ODD) cases.add(rmsNormCase(s, true, 1e-6f, Size.SMALL, ""));
        cases.add(rmsNormCase(Shape.of(5, 33), false, 1e-5f, Size.SMALL, ""));
        for (Shape s : MODEL) cases.add(rmsNormCase(s, true, 1e-5f, Size.MODEL, ""));
        // Qwen3's per-head Q and K norms: [n·heads, headDim].
        cases.add(rmsNormCase(Shape.of(7 * 16, 128), true, 1e-6f, Size.MODEL, ",qwen3 q_norm"));
        cases.add(rmsNormCase(Shape.of(5 * 8, 128), true, 1e-6f, Size.SMALL, ",qwen3 k_norm"));
        Shape last = Shape.of(1, 576);
        cases.add(ConformanceCase.compare("RmsNorm", "F32", "x=" + last + " view at row 6,eps=1.0E-5,last token", OpClass.ELEMENTWISE,
                Size.SMALL, w -> w.run(new Op.RmsNorm(w.inputView("x", F32, last, 6, uniform(-1, 1)),
                        w.weight("weight", F32, Shape.of(1, 576), uniform(0.5, 1.5)), 1e-5f, w.output(F32, last)))));
    }

    private static ConformanceCase rmsNormCase(Shape s, boolean weighted, float eps, Size size, String note) {
        return ConformanceCase.compare("RmsNorm", "F32", "x=" + s + ",eps=" + eps + (weighted ? "" : ",no weight") + note,
                OpClass.ELEMENTWISE, size, w -> {
                    Tensor weight = weighted ? w.weight("weight", F32, Shape.of(1, s.cols()), uniform(0.5, 1.5)) : null;
                    w.run(new Op.RmsNorm(w.input("x", F32, s, uniform(-1, 1)), weight, eps, w.output(F32, s)));
                });
    }

    private static void argmax(List<ConformanceCase> cases) {
        for (Shape s : List.of(Shape.of(1, 1), Shape.of(3, 7), Shape.of(5, 4097))) cases.add(argmaxCase(s, uniform(-1, 1), "", Size.SMALL));
        cases.add(argmaxCase(Shape.of(4, 33), Fill.ties(), ",ties", Size.SMALL));
        cases.add(argmaxCase(Shape.of(2, 49152), uniform(-10, 10), ",vocab", Size.MODEL));
        cases.add(argmaxCase(Shape.of(1, 151936), uniform(-10, 10), ",vocab", Size.MODEL));
    }

    private static ConformanceCase argmaxCase(Shape s, Fill fill, String note, Size size) {
        return ConformanceCase.compare("Argmax", "F32", "x=" + s + note, OpClass.EXACT, size, w ->
                w.run(new Op.Argmax(w.input("x", F32, s, fill), w.output(I32, Shape.of(1, s.rows())))));
    }

    private static void copy(List<ConformanceCase> cases) {
        List<TensorType> types = List.of(F32, F16, BF16);
        for (TensorType from : types) {
            for (TensorType to : types) cases.add(copyCase(from, to, Shape.of(5, 33), Shape.of(5, 33), 0, uniform(-2, 2), "", Size.SMALL));
        }
        for (Shape s : List.of(Shape.of(1, 7), Shape.of(3, 4097))) {
            cases.add(copyCase(F32, F16, s, s, 0, uniform(-2, 2), "", Size.SMALL));
            cases.add(copyCase(F16, F32, s, s, 0, uniform(-2, 2), "", Size.SMALL));
        }
        // New K/V rows into a cache slot: dst is a view at row `position` of a larger F16 cache.
        cases.add(copyCase(F32, F16, Shape.of(7, 192), Shape.of(7, 192), 13, uniform(-2, 2), ",kv slot", Size.SMALL));
        cases.add(copyCase(F32, F16, Shape.of(1, 1024), Shape.of(1, 1024), 1000, uniform(-2, 2), ",kv slot", Size.MODEL));
        Shape row = Shape.of(1, 1024);
        cases.add(ConformanceCase.compare("Copy", "F32->F16", "type=F32->F16,src=" + row + " view at row 5", OpClass.ELEMENTWISE, Size.SMALL,
                w -> w.run(new Op.Copy(w.inputView("src", F32, row, 5, uniform(-2, 2)), w.output(F16, row)))));
        // Same elements, another shape: [n, heads·headDim] into [n·heads, headDim].
        cases.add(copyCase(F32, F16, Shape.of(7, 576), Shape.of(63, 64), 0, uniform(-2, 2), ",reshape", Size.SMALL));
        // Overflow to ±inf, rounding ties (to even), F16 subnormals.
        cases.add(copyCase(F32, F16, Shape.of(3, 33), Shape.of(3, 33), 0, Fill.specials(70000f, -70000f, 65519f, 65520f, -65520f,
                1e-8f, 3e-5f, -3e-5f, 6.1e-5f, 1.00048828125f, 1.00146484375f, -1.00048828125f, 2049f, 2051f, 0f, -0f), ",specials", Size.SMALL));
        cases.add(copyCase(F32, BF16, Shape.of(3, 33), Shape.of(3, 33), 0, Fill.specials(3.4e38f, -3.4e38f, 1.00390625f, 1.01171875f,
                -1.00390625f, 1e-39f, 257f, 259f, 0f, -0f), ",specials", Size.SMALL));
    }

    private static ConformanceCase copyCase(TensorType from, TensorType to, Shape src, Shape dst, int rowsBefore, Fill fill,
                                            String note, Size size) {
        String params = "type=" + from + "->" + to + ",src=" + src + (dst.equals(src) ? "" : ",dst=" + dst)
                + (rowsBefore > 0 ? ",row=" + rowsBefore : "") + note;
        return ConformanceCase.compare("Copy", from + "->" + to, params, OpClass.ELEMENTWISE, size, w ->
                w.run(new Op.Copy(w.input("src", from, src, fill), w.output(to, dst, rowsBefore, 0))));
    }
}
