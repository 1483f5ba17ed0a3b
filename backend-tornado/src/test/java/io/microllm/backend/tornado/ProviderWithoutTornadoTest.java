package io.microllm.backend.tornado;

import io.microllm.spi.BackendProvider;
import org.junit.jupiter.api.Test;
import uk.ac.manchester.tornado.api.TaskGraph;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider on JVMs without a working TornadoVM (fresh JVMs, as the microllm launcher starts one without
 * TORNADOVM_HOME): it must load, and report its device with score 0 and the reason, instead of failing.
 */
class ProviderWithoutTornadoTest {

    @Test
    void withoutTornadoClassesTheDeviceSaysTornadoIsNotInstalled() throws Exception {
        String out = run(location(TornadoBackendProvider.class), location(PrintTornadoDevices.class), location(BackendProvider.class));
        assertTrue(out.startsWith("tornado:- score=0 reason=TornadoVM not installed: its classes are not on the class or module path"), out);
    }

    @Test
    void withTheApiButWithoutTheArgfileTheReasonNamesTheArgfile() throws Exception {
        String out = run(location(TornadoBackendProvider.class), location(PrintTornadoDevices.class), location(BackendProvider.class),
                location(TaskGraph.class));
        assertTrue(out.startsWith("tornado:- score=0 reason=TornadoVM not installed: its API is present but the JVM was not "
                + "started with its argfile"), out);
    }

    private static String location(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String run(String... classPath) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder(List.of(java, "-cp", String.join(File.pathSeparator, classPath),
                PrintTornadoDevices.class.getName())).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
