package io.microllm.bench;

import java.io.PrintStream;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A progress bar per phase (elapsed time, ETA, what is being measured), drawn on a stream, normally stderr. */
public final class ProgressBars implements ProgressListener {
    private final PrintStream out;
    private final boolean terminal;
    private ProgressBar bar;

    /** @param terminal whether {@code out} is a terminal (Unicode blocks redrawn in place) or a log (plain ASCII) */
    public ProgressBars(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    /** Progress on stderr, styled for a terminal when there is one. */
    public static ProgressBars onStderr() {
        var console = System.console();
        return new ProgressBars(System.err, console != null && console.isTerminal());
    }

    @Override
    public void begin(String phase, long total, String unit) {
        end();
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName(phase).setInitialMax(total)
                .setStyle(terminal ? ProgressBarStyle.UNICODE_BLOCK : ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(out, terminal ? 120 : 150)).setUpdateIntervalMillis(terminal ? 250 : 5000)
                .continuousUpdate();
        if (unit.equals("MiB")) b.setUnit(" MiB", 1L << 20);
        bar = b.build();
    }

    @Override
    public void advance(long steps, String doing) {
        if (bar == null) return;
        bar.stepBy(steps);
        if (doing != null) bar.setExtraMessage(doing);
    }

    @Override
    public void end() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    @Override
    public void say(String line) {
        end();
        out.println(line);
    }
}
