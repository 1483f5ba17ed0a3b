package io.microllm.backend.cpu;

import io.microllm.spi.BackendOptions;

import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the kernels at start-up, like Lucene does: the Vector API when {@code jdk.incubator.vector} is resolved
 * and the JIT is on, else plain Java. Logs one line per distinct choice saying which and why. Classes that touch
 * the Vector API are loaded only by name, so the fallback works where the module is absent.
 */
final class KernelSelector {

    private static final System.Logger LOG = System.getLogger("io.microllm.backend.cpu");
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private KernelSelector() {}

    /** Honours the option {@code cpu.vector} (or {@code -Dmicrollm.cpu.vector}); {@code false} forces the scalar path. */
    static Kernels select(BackendOptions options) {
        Kernels kernels;
        String why;
        if (!Boolean.parseBoolean(options.property("cpu.vector", "true"))) {
            kernels = new Kernels();
            why = "cpu.vector=false";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            kernels = new Kernels();
            why = "jdk.incubator.vector is not resolved; run java with --add-modules jdk.incubator.vector";
        } else if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            kernels = new Kernels();
            why = "the JVM runs in interpreted mode, where the Vector API is far slower than scalar code";
        } else {
            try {
                kernels = (Kernels) Class.forName(KernelSelector.class.getPackageName() + ".VectorKernels")
                        .getDeclaredConstructor().newInstance();
                why = null;
            } catch (InvocationTargetException e) { // VectorKernels refuses narrow vectors, saying why
                kernels = new Kernels();
                why = e.getCause().getMessage();
            } catch (ReflectiveOperationException | LinkageError e) {
                kernels = new Kernels();
                why = "the Vector API kernels failed to load: " + e;
            }
        }
        String line = "CPU backend kernels: " + kernels.describe() + (why == null ? "" : " (" + why + ")");
        if (LOGGED.add(line)) LOG.log(why == null ? System.Logger.Level.INFO : System.Logger.Level.WARNING, line);
        return kernels;
    }
}
