package io.microllm.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A markdown table with aligned columns, readable in a terminal and pasteable into docs. */
final class Table {
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) { this.header = header; }

    Table row(String... cells) {
        if (cells.length != header.length) throw new IllegalArgumentException("expected " + header.length + " cells");
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out) {
        int[] w = new int[header.length];
        for (int i = 0; i < w.length; i++) w[i] = Math.max(3, header[i].length());
        for (String[] r : rows) for (int i = 0; i < w.length; i++) w[i] = Math.max(w[i], r[i].length());
        line(out, header, w);
        String[] sep = new String[w.length];
        for (int i = 0; i < w.length; i++) sep[i] = "-".repeat(w[i]);
        line(out, sep, w);
        for (String[] r : rows) line(out, r, w);
    }

    private static void line(PrintWriter out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder("|");
        for (int i = 0; i < w.length; i++) sb.append(' ').append(cells[i]).append(" ".repeat(w[i] - cells[i].length())).append(" |");
        out.println(sb);
    }

    static String bytes(long b) {
        if (b <= 0) return "-";
        if (b >= 1L << 30) return String.format("%.1f GiB", b / (double) (1L << 30));
        return String.format("%.0f MiB", b / (double) (1L << 20));
    }
}
