package io.microllm.backend.cpu;

import io.microllm.spi.BackendOptions;

import java.lang.reflect.InvocationTargetException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the kernels at start-up, like Lucene does: the Vector API when {@code jdk.incubator.vector} is resolved
 * and the JIT is on, else plain Java; and for the weight types they cover, the {@link NativeKernels} when they load.
 * Logs one line per distinct choice saying which and why. Classes that touch the Vector API are loaded only by
 * name, so the fallback works where the module is absent.
 */
final class KernelSelector {

    private static final System.Logger LOG = System.getLogger("io.microllm.backend.cpu");
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private KernelSelector() {}

    /**
     * Honours the options {@code cpu.vector} and {@code cpu.native} (or {@code -Dmicrollm.cpu.vector},
     * {@code -Dmicrollm.cpu.native}); {@code false} turns that path off.
     */
    static Kernels select(BackendOptions options) {
        NativeKernels nativeKernels = null;
        String nativeOff;
        if (!Boolean.parseBoolean(options.property("cpu.native", "true"))) {
            nativeOff = "cpu.native=false";
        } else if (NativeKernels.isAvailable()) {
            nativeKernels = NativeKernels.get();
            nativeOff = null;
        } else {
            nativeOff = NativeKernels.unavailabilityCause();
        }
        Kernels kernels;
        String why;
        if (!Boolean.parseBoolean(options.property("cpu.vector", "true"))) {
            kernels = new Kernels(nativeKernels);
            why = "cpu.vector=false";
        } else if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            kernels = new Kernels(nativeKernels);
            why = "jdk.incubator.vector is not resolved; run java with --add-modules jdk.incubator.vector";
        } else if (System.getProperty("java.vm.info", "").contains("interpreted mode")) {
            kernels = new Kernels(nativeKernels);
            why = "the JVM runs in interpreted mode, where the Vector API is far slower than scalar code";
        } else {
            try {
                kernels = (Kernels) Class.forName(KernelSelector.class.getPackageName() + ".VectorKernels")
                        .getDeclaredConstructor(NativeKernels.class).newInstance(nativeKernels);
                why = null;
            } catch (InvocationTargetException e) { // VectorKernels refuses narrow vectors, saying why
                kernels = new Kernels(nativeKernels);
                why = e.getCause().getMessage();
            } catch (ReflectiveOperationException | LinkageError e) {
                kernels = new Kernels(nativeKernels);
                why = "the Vector API kernels failed to load: " + e;
            }
        }
        if (nativeOff != null) why = (why == null ? "" : why + "; ") + "no native kernels: " + nativeOff;
        String line = "CPU backend kernels: " + kernels.describe() + (why == null ? "" : " (" + why + ")");
        if (LOGGED.add(line)) LOG.log(why == null ? System.Logger.Level.INFO : System.Logger.Level.WARNING, line);
        return kernels;
    }
}
