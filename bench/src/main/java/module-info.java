/**
 * Benchmarks: {@code microllm bench} (io.microllm.bench: which device runs micro LLMs fastest, against the memory
 * bandwidth limit and llama.cpp), synthetic models in real shapes (io.microllm.bench.synth), and JMH kernel
 * benchmarks (io.microllm.bench.jmh, run from the shaded target/benchmarks.jar on the class path; see pom.xml and
 * docs/benchmarks.md). The module is open because JMH instantiates its generated classes reflectively.
 */
open module io.microllm.bench {
    requires io.microllm.kernels;
    requires io.microllm.runtime;
    requires io.microllm.backend.cpu;
    requires jdk.incubator.vector;
    requires jdk.management;
    requires jmh.core;
    requires org.knowm.xchart;
    requires me.tongfei.progressbar;
    requires llama; // de.kherud:llama has no module name of its own: the automatic one comes from its jar's name

    exports io.microllm.bench;
    exports io.microllm.bench.synth;
}
