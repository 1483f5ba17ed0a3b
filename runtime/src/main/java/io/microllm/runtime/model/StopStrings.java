package io.microllm.runtime.model;

import java.util.List;

/**
 * Finds stop strings in streamed text. {@link #accept} returns only text that can no longer be part of a stop
 * string, holding back a tail that could still grow into one.
 */
final class StopStrings {
    private final List<String> stops;
    private final StringBuilder pending = new StringBuilder();
    private boolean stopped;

    StopStrings(List<String> stops) { this.stops = stops; }

    /** Adds generated text; returns the part now final. After a stop string is seen, returns the text before it. */
    String accept(String text) {
        if (stopped) return "";
        pending.append(text);
        int at = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (at < 0 || i < at)) at = i;
        }
        if (at >= 0) {
            stopped = true;
            String out = pending.substring(0, at);
            pending.setLength(0);
            return out;
        }
        int keep = heldBack();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** The text held back when generation ends for another reason. */
    String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    boolean stopped() { return stopped; }

    /** Length of the longest tail of pending text that is a proper prefix of a stop string. */
    private int heldBack() {
        String text = pending.toString();
        int keep = 0;
        for (String s : stops) {
            for (int k = Math.min(s.length() - 1, text.length()); k > keep; k--) {
                if (text.endsWith(s.substring(0, k))) {
                    keep = k;
                    break;
                }
            }
        }
        return keep;
    }
}
