package io.microllm.conformance;

import io.microllm.spi.Op;
import io.microllm.spi.RopeMode;
import io.microllm.spi.TensorType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The suite covers what the issue asks for: checked on the ops each case's program actually runs. */
class CatalogTest {
    private static final List<ConformanceCase> CASES = Catalog.all();
    private static final List<Op> OPS = CASES.stream().filter(c -> !c.isRejection()).flatMap(c -> RecordingBackend.opsOf(c).stream()).toList();

    private static <T extends Op> List<T> ops(Class<T> type) {
        return OPS.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static boolean any(Predicate<Op> p) { return OPS.stream().anyMatch(p); }

    @Test
    void everyOpOfTheSpiIsTestedAndHasABadInputCase() {
        Set<String> spiOps = Arrays.stream(Op.class.getPermittedSubclasses()).map(Class::getSimpleName).collect(Collectors.toSet());
        assertEquals(spiOps, OPS.stream().map(Op::name).collect(Collectors.toSet()));
        Set<String> rejected = CASES.stream().filter(ConformanceCase::isRejection).map(ConformanceCase::type).collect(Collectors.toSet());
        assertTrue(rejected.containsAll(spiOps), "bad-input cases missing for " + spiOps.stream().filter(o -> !rejected.contains(o)).toList());
        assertTrue(rejected.containsAll(Set.of("upload", "view")));
    }

    @Test
    void matMulAndGetRowsCoverEveryWeightTypeInEveryForm() {
        for (TensorType t : MatMulCases.WEIGHT_TYPES) {
            List<Op.MatMul> mm = ops(Op.MatMul.class).stream().filter(m -> m.w().type() == t).toList();
            assertTrue(mm.stream().anyMatch(m -> m.x().shape().rows() == 1), t + " mat-vec");
            assertTrue(mm.stream().anyMatch(m -> m.x().shape().rows() > 1), t + " batch");
            assertTrue(mm.stream().anyMatch(m -> m.bias() != null), t + " bias");
            assertTrue(mm.stream().anyMatch(m -> m.w().shape().rows() == 4097), t + " 4097 output rows");
            assertTrue(ops(Op.GetRows.class).stream().anyMatch(g -> g.table().type() == t), t + " GetRows");
        }
        assertTrue(any(o -> o instanceof Op.MatMul m && m.w().shape().rows() == 151936), "Qwen3 vocab");
        assertTrue(any(o -> o instanceof Op.MatMul m && m.w().shape().rows() == 49152), "SmolLM2 vocab");
        assertTrue(any(o -> o instanceof Op.MatMul m && m.w().shape().equals(io.microllm.spi.Shape.of(8192, 2048))), "Llama-3.2-1B ffn");
    }

    @Test
    void ropeCoversBothModesWithAndWithoutFrequencyFactorsAtSeveralPositions() {
        for (RopeMode mode : RopeMode.values()) {
            for (boolean factors : List.of(true, false)) {
                assertTrue(any(o -> o instanceof Op.Rope r && r.mode() == mode && (r.freqFactors() != null) == factors), mode + " " + factors);
            }
        }
        assertTrue(ops(Op.Rope.class).stream().map(Op.Rope::position0).distinct().count() >= 5);
        assertTrue(any(o -> o instanceof Op.Rope r && r.nRot() < r.headDim()), "partial rotation");
    }

    @Test
    void attentionCoversGqaBothCachesLongContextAndCausalBatches() {
        for (TensorType cache : List.of(TensorType.F32, TensorType.F16)) {
            List<Op.Attention> att = ops(Op.Attention.class).stream().filter(a -> a.k().type() == cache).toList();
            assertTrue(att.stream().anyMatch(a -> a.nHead() > a.nKvHead()), cache + " GQA");
            assertTrue(att.stream().anyMatch(a -> a.q().shape().rows() == 1 && a.position0() >= 1000), cache + " long context");
            assertTrue(att.stream().anyMatch(a -> a.q().shape().rows() > 1 && a.position0() == 0), cache + " causal prompt");
            assertTrue(att.stream().anyMatch(a -> a.k().shape().rows() > a.position0() + a.q().shape().rows()), cache + " unfilled rows");
        }
    }

    @Test
    void oddAndModelShapesAppear() {
        Set<Integer> cols = OPS.stream().flatMap(o -> o.inputs().stream()).map(t -> t.shape().cols()).collect(Collectors.toSet());
        assertTrue(cols.containsAll(Set.of(1, 7, 31, 33, 4097)), "odd row lengths: " + cols);
        assertTrue(cols.containsAll(Set.of(576, 1536, 1024, 3072, 2048, 8192, 49152, 151936)), "model widths: " + cols);
        Set<Integer> rows = OPS.stream().map(o -> o.output().shape().rows()).collect(Collectors.toSet());
        assertTrue(rows.containsAll(Set.of(1, 3, 5, 7)), "odd row counts: " + rows);
    }

    @Test
    void blocksComposeTheFullLayerForEachArchitecture() {
        for (String arch : List.of("llama", "qwen2", "qwen3")) {
            ConformanceCase block = CASES.stream().filter(c -> c.op().equals("TransformerBlock") && c.type().equals(arch)).findFirst().orElseThrow();
            List<String> names = RecordingBackend.opsOf(block).stream().map(Op::name).toList();
            assertEquals(List.of("RmsNorm", "MatMul", "MatMul", "MatMul"), names.subList(0, 4), arch);
            assertTrue(names.containsAll(List.of("Rope", "Copy", "Attention", "Add", "SwiGlu")), arch + ": " + names);
            assertEquals(7, names.stream().filter("MatMul"::equals).count(), arch);
            long norms = names.stream().filter("RmsNorm"::equals).count();
            assertEquals(arch.equals("qwen3") ? 4 : 2, norms, arch);
            boolean bias = RecordingBackend.opsOf(block).stream().anyMatch(o -> o instanceof Op.MatMul m && m.bias() != null);
            assertEquals(arch.equals("qwen2"), bias, arch);
        }
    }

    @Test
    void quickRunCoversEveryOpToo() {
        Set<String> quick = CASES.stream().filter(c -> c.size() == ConformanceCase.Size.SMALL && !c.isRejection())
                .flatMap(c -> RecordingBackend.opsOf(c).stream()).map(Op::name).collect(Collectors.toSet());
        assertEquals(Arrays.stream(Op.class.getPermittedSubclasses()).map(Class::getSimpleName).collect(Collectors.toSet()), quick);
        assertTrue(CASES.stream().anyMatch(c -> c.size() == ConformanceCase.Size.SMALL && c.op().equals("TransformerBlock")));
    }
}
