package io.microllm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

/**
 * Runs the {@code microllm} command line in-process, exactly as {@link Main#run} does, with stdout and stderr captured.
 *
 * @param exitCode what {@code main} would pass to System.exit
 * @param out      everything written to stdout
 * @param err      everything written to stderr
 */
record Cli(int exitCode, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Cli(code, out.toString(), err.toString());
    }

    List<String> outLines() { return out.lines().toList(); }

    List<String> errLines() { return err.lines().toList(); }

    /** For assertion messages: the whole run. */
    @Override
    public String toString() { return "exit " + exitCode + "\n--- stdout:\n" + out + "--- stderr:\n" + err; }
}
