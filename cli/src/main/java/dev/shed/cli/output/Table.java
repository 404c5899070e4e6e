package dev.shed.cli.output;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** docker-style plain table: upper-case headers, columns padded with three spaces. */
public final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... headers) {
        this.headers = List.of(headers);
    }

    public Table row(Object... cells) {
        if (cells.length != headers.size()) throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size());
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c == null ? "<none>" : c.toString());
        rows.add(r);
        return this;
    }

    public void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) widths[i] = headers.get(i).length();
        for (List<String> r : rows) for (int i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i], r.get(i).length());
        printRow(out, headers, widths);
        for (List<String> r : rows) printRow(out, r, widths);
        out.flush();
    }

    private static void printRow(PrintWriter out, List<String> cells, int[] widths) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            b.append(cells.get(i));
            if (i < cells.size() - 1) b.append(" ".repeat(widths[i] - cells.get(i).length() + 3));
        }
        out.println(b.toString().stripTrailing());
    }
}
