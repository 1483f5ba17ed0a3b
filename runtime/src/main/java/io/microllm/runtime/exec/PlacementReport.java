package io.microllm.runtime.exec;

import java.util.List;
import java.util.Map;

/**
 * Where ops ran and what that cost: ops per backend per op name, why the primary backend declined ops that fell
 * back, bytes copied between backends, and weight bytes uploaded to each backend.
 *
 * @param backends    backends that were opened, primary first ({@code provider:id})
 * @param ops         backend → op name → count
 * @param fallbacks   op name → why the primary declined it and where it ran instead
 * @param bytesMoved  activation bytes copied between backends (through the host)
 * @param transfers   number of such copies
 * @param weightBytes backend → weight bytes uploaded to it
 */
public record PlacementReport(List<String> backends, Map<String, Map<String, Long>> ops, Map<String, String> fallbacks,
                              long bytesMoved, long transfers, Map<String, Long> weightBytes) {
    public PlacementReport {
        backends = List.copyOf(backends);
        ops = Map.copyOf(ops);
        fallbacks = Map.copyOf(fallbacks);
        weightBytes = Map.copyOf(weightBytes);
    }

    /** Ops that ran on {@code backend}, over all op names. */
    public long opsOn(String backend) {
        return ops.getOrDefault(backend, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Ops that ran on a backend other than the primary. */
    public long fallbackOps() {
        return backends.stream().skip(1).mapToLong(this::opsOn).sum();
    }

    /** A few readable lines, e.g. for {@code --verbose}. */
    public String format() {
        StringBuilder s = new StringBuilder();
        for (String b : backends) {
            s.append(b).append(": ").append(opsOn(b)).append(" ops ")
                    .append(new java.util.TreeMap<>(ops.getOrDefault(b, Map.of())))
                    .append(", weights ").append(weightBytes.getOrDefault(b, 0L) / 1024).append(" KiB\n");
        }
        fallbacks.forEach((op, why) -> s.append("fallback ").append(op).append(": ").append(why).append('\n'));
        s.append("moved between backends: ").append(bytesMoved).append(" bytes in ").append(transfers).append(" copies");
        return s.toString();
    }
}
