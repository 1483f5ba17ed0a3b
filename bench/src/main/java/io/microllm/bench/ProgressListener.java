package io.microllm.bench;

/** Hears what bench is doing, so a long run never looks hung. Phases follow each other; none overlap. */
public interface ProgressListener {

    /** A phase of {@code total} steps begins (runs, or bytes when {@code unit} is "MiB"). */
    void begin(String phase, long total, String unit);

    /** {@code steps} more are done; {@code doing} says what runs now. */
    void advance(long steps, String doing);

    /** The phase is over. */
    void end();

    /** Something to say between phases (a line of its own). */
    void say(String line);

    ProgressListener NONE = new ProgressListener() {
        @Override public void begin(String phase, long total, String unit) { }
        @Override public void advance(long steps, String doing) { }
        @Override public void end() { }
        @Override public void say(String line) { }
    };
}
