package io.microllm.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The machine a report was measured on. The load average is there because on a shared machine other processes
 * take cores and memory bandwidth, and a reader of the numbers should know.
 *
 * @param loadAverage the 1-minute system load average when bench started, or -1 where the OS has none
 */
public record MachineInfo(String cpu, int logicalCores, long memoryBytes, String os, String java, double loadAverage) {

    public static MachineInfo probe() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        long memory = os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getTotalMemorySize() : 0;
        return new MachineInfo(cpuName(), Runtime.getRuntime().availableProcessors(), memory,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.name") + " " + Runtime.version(), os.getSystemLoadAverage());
    }

    /** Current 1-minute load average (-1 if unknown). */
    static double loadNow() { return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(); }

    private static String cpuName() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name") && line.contains(":")) return line.substring(line.indexOf(':') + 1).strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: fall through
        }
        return System.getProperty("os.arch") + " CPU";
    }
}
