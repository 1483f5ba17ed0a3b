package io.microllm.backend.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the host CPU is: model name, physical cores and RAM, read from {@code /proc} on Linux. Elsewhere (or when
 * {@code /proc} is unreadable) it falls back to the JVM's view, so device discovery never throws.
 */
record HostProbe(String modelName, int physicalCores, long memoryBytes) {

    static HostProbe probe() {
        int logical = Runtime.getRuntime().availableProcessors();
        String model = null;
        List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
        Set<String> coreIds = new HashSet<>();
        String physicalId = "0";
        for (String line : cpuinfo) {
            String key = key(line);
            if (key.equals("model name") && model == null) model = value(line);
            else if (key.equals("physical id")) physicalId = value(line);
            else if (key.equals("core id")) coreIds.add(physicalId + "/" + value(line));
        }
        if (model == null || model.isBlank()) model = System.getProperty("os.arch") + " CPU";
        int cores = coreIds.size();
        // Containers may allow fewer CPUs than the machine has cores; never plan for more threads than we may run.
        if (cores == 0 || cores > logical) cores = logical;
        long memory = 0;
        for (String line : lines(Path.of("/proc/meminfo"))) {
            if (key(line).equals("MemTotal")) memory = parseKiB(value(line));
        }
        return new HostProbe(model, cores, memory);
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String key(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(0, colon).strip();
    }

    private static String value(String line) { return line.substring(line.indexOf(':') + 1).strip(); }

    private static long parseKiB(String v) {
        try {
            return Long.parseLong(v.replace("kB", "").strip()) * 1024;
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
