package io.microllm.conformance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Every case of the suite, in the order they run and appear in the support matrix. */
final class Catalog {
    private Catalog() {}

    private static final List<ConformanceCase> ALL = build();

    static List<ConformanceCase> all() { return ALL; }

    private static List<ConformanceCase> build() {
        List<ConformanceCase> cases = new ArrayList<>();
        cases.addAll(ElementwiseCases.all());
        cases.addAll(MatMulCases.all());
        cases.addAll(RopeAttentionCases.all());
        cases.addAll(BlockCases.all());
        cases.addAll(BadInputCases.all());
        Set<String> ids = new HashSet<>();
        for (ConformanceCase c : cases) {
            if (!ids.add(c.id())) throw new IllegalStateException("two cases share the id " + c.id());
        }
        return List.copyOf(cases);
    }
}
