package io.microllm.cli;

import io.microllm.spi.Backends;
import io.microllm.spi.DeviceInfo;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists every provider found through ServiceLoader, its devices and scores, and why a device is unusable. */
@Command(name = "devices", description = "List backends and devices, their scores, and why a device is unusable.")
final class DevicesCommand implements Callable<Integer> {

    private static final Map<String, String> OPTIONAL = Map.of("tornado",
            "install the TornadoVM SDK and set TORNADOVM_HOME; bin/microllm then adds it (README: TornadoVM)");

    @Spec CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Backends backends = Backends.discover();
        Table table = new Table("backend", "device", "name", "kind", "memory", "features", "score", "status");
        for (Backends.Found f : backends.providers()) {
            for (DeviceInfo d : f.devices()) {
                table.row(f.name(), d.id(), d.name(), d.kind().toString(), Table.bytes(d.memoryBytes()),
                        d.features().isEmpty() ? "-" : String.join(",", d.features().stream().map(Enum::name).sorted().toList()),
                        Integer.toString(d.score()), d.usable() ? "usable" : "unusable: " + d.unusableReason());
            }
        }
        // Backends that ship outside the default class path: say how to enable them rather than staying silent.
        OPTIONAL.forEach((name, how) -> {
            if (backends.providers().stream().noneMatch(f -> f.name().equals(name))) {
                table.row(name, "-", "-", "-", "-", "-", "0", "not installed: " + how);
            }
        });
        table.print(out);
        var ranked = backends.ranked();
        out.println(ranked.isEmpty() ? "No usable device." : "Default: " + ranked.getFirst().qualifiedId()
                + " (highest score; override with --backend NAME[:DEVICE] or -Dmicrollm.backend)");
        out.flush();
        return 0;
    }
}
