package dev.shed.cli.output;

import dev.shed.core.progress.Progress;
import java.io.PrintStream;

/**
 * Plain progress: one line per finished task ("4f4fb700ef54: Copied"), written to stderr and only when stderr is a
 * terminal, so scripts and error output stay clean.
 */
public final class LineProgress implements Progress {
    private final PrintStream err;

    private LineProgress(PrintStream err) {
        this.err = err;
    }

    /** Lines on a terminal, nothing otherwise. */
    public static Progress forTerminal() {
        return System.console() != null ? new LineProgress(System.err) : Progress.NONE;
    }

    @Override
    public Task start(String id, String label, long total) {
        return new Task() {
            @Override public void advance(long delta) {}
            @Override public void set(long done) {}
            @Override
            public void finish(String status) {
                synchronized (err) {
                    err.println(id + ": " + status + (total >= 0 ? " (" + Sizes.human(total) + ")" : ""));
                }
            }
        };
    }

    @Override
    public void message(String line) {
        synchronized (err) {
            err.println(line);
        }
    }
}
