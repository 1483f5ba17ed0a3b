package io.microllm.cli;

import io.microllm.conformance.ConformanceCase;
import io.microllm.conformance.ConformanceReport;
import io.microllm.spi.Backends;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the conformance suite (the same code the build's JUnit run uses) and prints the support matrix. */
@Command(name = "conformance",
        description = "Compare a backend with the scalar reference, op by op, and print the support matrix.")
final class ConformanceCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--backend", paramLabel = "NAME[:DEVICE]", description = "Backend to test (default: every usable device).")
    String backend;

    @Option(names = "--quick", description = "Only the small odd shapes (seconds), not the model-sized cases.")
    boolean quick;

    @Option(names = "--filter", paramLabel = "REGEX", description = "Only cases whose name matches.")
    String filter;

    @Option(names = "--seed", description = "Seed for the random inputs (default: the suite's fixed, printed seed).")
    Long seed;

    @Option(names = "--csv", paramLabel = "DIR", description = "Also write the support matrix as CSV into DIR.")
    Path csvDirectory;

    @Override
    public Integer call() {
        ConformanceReport.Options options = ConformanceReport.Options.defaults();
        if (quick) options = options.withUpTo(ConformanceCase.Size.SMALL);
        if (filter != null) options = options.withFilter(filter);
        if (seed != null) options = options.withSeed(seed);
        if (csvDirectory != null) options = options.withCsvDirectory(csvDirectory);
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        return ConformanceReport.run(Backends.discover(), backend, options, out);
    }
}
