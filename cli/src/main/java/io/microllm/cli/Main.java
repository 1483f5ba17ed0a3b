package io.microllm.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Entry point of the {@code microllm} command. Errors are one line on stderr; {@code --verbose} adds the stack trace. */
@Command(name = "microllm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Run micro LLMs (quantized GGUF models) on CPU, OpenCL and TornadoVM devices.",
        subcommands = {DevicesCommand.class, ConformanceCommand.class, GenerateCommand.class, ChatCommand.class, TokenizeCommand.class,
                PerplexityCommand.class, BenchCommand.class, SynthCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        try {
            return cl.execute(args);
        } catch (Error e) { // picocli hands only Exceptions to the handler; JVM errors (out of memory, linkage) land here
            cl.getErr().println("error: " + e.getClass().getSimpleName() + ": " + describe(e));
            if (java.util.Arrays.asList(args).contains("--verbose")) e.printStackTrace(cl.getErr());
            cl.getErr().flush();
            return 1;
        }
    }

    /** The configured command line; tests redirect its output with {@code setOut}/{@code setErr} before executing. */
    static CommandLine commandLine() {
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("error: " + describe(e));
            if (main.verbose) e.printStackTrace(cmd.getErr());
            return 1;
        });
        // Usage errors too are one line that names the problem, not the whole help text (scripts read stderr).
        cl.setParameterExceptionHandler((e, args) -> {
            CommandLine cmd = e.getCommandLine();
            cmd.getErr().println("error: " + oneLine(e.getMessage()) + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
        return cl;
    }

    private static String describe(Throwable e) {
        // The JDK's file exceptions carry nothing but the path as their message.
        if (e instanceof NoSuchFileException f) return "no such file: " + f.getFile();
        if (e instanceof AccessDeniedException f) return "permission denied: " + f.getFile();
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : oneLine(m);
    }

    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"microllm " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
