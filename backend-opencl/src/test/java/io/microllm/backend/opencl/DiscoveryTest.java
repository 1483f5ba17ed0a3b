package io.microllm.backend.opencl;

import io.microllm.spi.BackendOptions;
import io.microllm.spi.BackendProvider;
import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;
import io.microllm.spi.DeviceKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discovery, scoring, and a clean report when OpenCL is missing. */
class DiscoveryTest {

    /** Run in a forked JVM: prints what the provider reports. */
    public static void main(String[] args) {
        for (DeviceInfo d : new OpenClBackendProvider().devices()) {
            System.out.println("device id=" + d.id() + " score=" + d.score() + " reason=" + d.unusableReason());
        }
    }

    @Test
    void withoutAnyIcdTheProviderReportsScoreZeroAndWhy(@TempDir Path emptyVendorsDir) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), DiscoveryTest.class.getName());
        pb.environment().put("OCL_ICD_VENDORS", emptyVendorsDir.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        System.out.println("forked JVM without ICDs: " + out.strip());
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("device id=- score=0 reason=no OpenCL platform"), out);
    }

    @Test
    void aProviderThatFoundNothingReportsCleanlyAndRefusesToOpen() {
        var provider = new OpenClBackendProvider(() -> OpenClDiscovery.failed("the OpenCL library could not be loaded: test"));
        List<DeviceInfo> devices = provider.devices();
        assertEquals(1, devices.size());
        assertEquals(0, devices.getFirst().score());
        assertTrue(devices.getFirst().unusableReason().contains("could not be loaded"));
        assertThrows(IllegalArgumentException.class, () -> provider.open(devices.getFirst(), BackendOptions.defaults()));
        Backends backends = Backends.of(List.of(provider));
        assertEquals(List.of(), backends.ranked());
    }

    @Test
    void theProviderIsFoundThroughServiceLoader() {
        assertTrue(ServiceLoader.load(BackendProvider.class).stream().anyMatch(p -> p.type() == OpenClBackendProvider.class));
        assertTrue(Backends.discover().providers().stream().anyMatch(f -> f.name().equals("opencl")));
    }

    @Test
    void cpuDevicesScoreBelowTheCpuBackend() {
        DeviceInfo d = OpenClTestSupport.device();
        if (d.kind() == DeviceKind.CPU) assertTrue(d.score() > 0 && d.score() < 100, "score " + d.score());
        else assertTrue(d.score() > 100, "score " + d.score());
    }

    private static ClDevice synthetic(DeviceKind kind, int openClC, long memGiB, boolean fp16, boolean unified) {
        return new ClDevice("0.0", null, null, "test", "vendor", "platform", "1.0", "OpenCL 3.0", kind, openClC, 30,
                memGiB << 30, memGiB << 28, 1024, 32, fp16, false, unified, true, true);
    }

    @Test
    void scoresReflectWhatTheDeviceCanDo() {
        int discrete = synthetic(DeviceKind.GPU, 30, 16, true, false).score();
        int integrated = synthetic(DeviceKind.GPU, 12, 4, false, true).score();
        int cpu = synthetic(DeviceKind.CPU, 30, 64, true, true).score();
        assertTrue(discrete > integrated && integrated > 100 && cpu < 100 && cpu > 0, discrete + " " + integrated + " " + cpu);
        ClDevice old = synthetic(DeviceKind.GPU, 11, 4, false, false);
        assertEquals(0, old.score());
        assertEquals("OpenCL C 1.1; microllm needs 1.2 or later", old.info().unusableReason());
        assertEquals(12, ClDevice.parseVersion("OpenCL C 1.2 PoCL"));
        assertEquals(30, ClDevice.parseVersion("OpenCL 3.0 CUDA 12.4.131"));
    }

    @Test
    void realDiscoveryNeverThrowsAndNeverReturnsNothing() {
        var result = OpenClDiscovery.discover();
        assertFalse(result.infos().isEmpty());
        for (DeviceInfo d : result.infos()) assertTrue(d.usable() || !d.unusableReason().isBlank());
    }
}
