package io.microllm.cli;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code microllm devices}: a table with a row per device, the cpu among them with a positive score. */
class DevicesCliTest {
    @Test
    void listsTheCpuWithItsScore() {
        Cli r = Cli.run("devices");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> header = cells(r.outLines().getFirst());
        int backend = header.indexOf("backend"), score = header.indexOf("score"), status = header.indexOf("status");
        assertTrue(backend >= 0 && score >= 0 && status >= 0, r::toString);
        List<String> cpu = r.outLines().stream().filter(l -> l.startsWith("|")).map(DevicesCliTest::cells)
                .filter(c -> c.get(backend).equals("cpu")).findFirst().orElseThrow(() -> new AssertionError("no cpu row\n" + r));
        assertTrue(Integer.parseInt(cpu.get(score)) > 0, r::toString);
        assertEquals("usable", cpu.get(status), r::toString);
        assertTrue(r.outLines().getLast().startsWith("Default: "), r::toString);
    }

    @Test
    void explainsHowToEnableTornadoVmWhenItIsNotOnTheClassPath() {
        Cli r = Cli.run("devices");
        boolean providerPresent = r.outLines().stream().anyMatch(l -> l.startsWith("| tornado") && !l.contains("not installed: install"));
        if (providerPresent) return; // the TornadoVM backend is on this class path: its own row speaks for it
        assertTrue(r.outLines().stream().anyMatch(l -> l.startsWith("| tornado") && l.contains("set TORNADOVM_HOME")), r::toString);
    }

    private static List<String> cells(String row) {
        return Arrays.stream(row.substring(1, row.length() - 1).split("\\|")).map(String::strip).toList();
    }
}
