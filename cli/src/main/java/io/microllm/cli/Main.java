package io.microllm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code microllm} command. Errors are one line on stderr; {@code --verbose} adds the stack trace. */
@Command(name = "microllm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run micro LLMs (quantized GGUF models) on CPU, OpenCL and TornadoVM devices.",
        subcommands = {DevicesCommand.class, ConformanceCommand.class, GenerateCommand.class, ChatCommand.class, TokenizeCommand.class,
                PerplexityCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this). */
    public static int run(String... args) {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(e));
            if (main.verbose) e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cl.execute(args);
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"microllm " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
