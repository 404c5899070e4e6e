package dev.shed.cli.output;

import dev.shed.core.progress.Progress;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders {@link Progress} for people: on a terminal, docker-like per-task bars
 * ({@code abc123def456: Downloading [=====>     ] 12.3MB/45.6MB}) redrawn in place with ANSI cursor-up; when
 * output is piped, one plain line per event (task started, phase changed, finished, message); or nothing.
 * Generic over what the tasks are (layer downloads, uploads, materialize). Close it when the work ends so the
 * last state is drawn.
 */
public abstract class ProgressDisplay implements Progress, AutoCloseable {

    /** Bars when stdout is a terminal (System.console() != null), plain lines otherwise; silent when {@code quiet}. */
    public static ProgressDisplay forTerminal(PrintWriter out, boolean quiet) {
        if (quiet) return silent();
        return System.console() != null ? bars(out, terminalWidth()) : lines(out);
    }

    public static ProgressDisplay bars(PrintWriter out, int width) {
        return new Bars(out, width);
    }

    public static ProgressDisplay lines(PrintWriter out) {
        return new Lines(out);
    }

    public static ProgressDisplay silent() {
        return new Silent();
    }

    static int terminalWidth() {
        try {
            int c = Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "100").trim());
            return c > 20 ? c : 100;
        } catch (NumberFormatException e) {
            return 100;
        }
    }

    @Override
    public abstract void close();

    /** State of one task, shared by the renderers. */
    static final class State {
        final String id;
        String label;
        long total;
        long done;
        String finished;

        State(String id, String label, long total) {
            this.id = id;
            this.label = label;
            this.total = total;
        }
    }

    /** Docker-style block of lines redrawn in place. */
    static final class Bars extends ProgressDisplay {
        private static final long REDRAW_NANOS = 100_000_000L;
        private final PrintWriter out;
        private final int width;
        private final List<Object> rows = new ArrayList<>(); // String message or State
        private final Map<String, State> tasks = new LinkedHashMap<>();
        private int drawn;
        private long lastDraw;

        Bars(PrintWriter out, int width) {
            this.out = out;
            this.width = width;
        }

        @Override
        public synchronized Task start(String id, String label, long total) {
            State s = tasks.get(id);
            if (s == null) {
                s = new State(id, label, total);
                tasks.put(id, s);
                rows.add(s);
            } else {
                s.label = label;
                s.total = total;
                s.done = 0;
                s.finished = null;
            }
            State state = s;
            draw(true);
            return new Task() {
                @Override
                public void advance(long delta) {
                    synchronized (Bars.this) {
                        state.done += delta;
                        draw(false);
                    }
                }

                @Override
                public void set(long done) {
                    synchronized (Bars.this) {
                        state.done = done;
                        draw(false);
                    }
                }

                @Override
                public void setLabel(String label) {
                    synchronized (Bars.this) {
                        if (!label.equals(state.label)) {
                            state.label = label;
                            draw(true);
                        }
                    }
                }

                @Override
                public void finish(String status) {
                    synchronized (Bars.this) {
                        state.finished = status;
                        draw(true);
                    }
                }
            };
        }

        @Override
        public synchronized void message(String line) {
            rows.add(line);
            draw(true);
        }

        private void draw(boolean force) {
            long now = System.nanoTime();
            if (!force && now - lastDraw < REDRAW_NANOS) return;
            lastDraw = now;
            StringBuilder b = new StringBuilder();
            if (drawn > 0) b.append("\033[").append(drawn).append('A');
            for (Object row : rows) {
                b.append("\r\033[2K").append(row instanceof State s ? render(s, width) : (String) row).append('\n');
            }
            drawn = rows.size();
            out.print(b);
            out.flush();
        }

        @Override
        public synchronized void close() {
            draw(true);
        }
    }

    /** {@code id: Label [====>    ] done/total}, shortened to fit {@code width}. */
    static String render(State s, int width) {
        if (s.finished != null) return s.id + ": " + s.finished;
        StringBuilder b = new StringBuilder(s.id).append(": ").append(String.format(Locale.ROOT, "%-11s", s.label));
        if (s.done > 0 || s.total > 0) {
            String amount = s.total > 0 ? Sizes.human(s.done) + "/" + Sizes.human(s.total) : Sizes.human(s.done);
            int barWidth = Math.min(50, width - b.length() - amount.length() - 5);
            if (s.total > 0 && barWidth >= 10) {
                int filled = (int) Math.min(barWidth, s.done * barWidth / s.total);
                b.append(" [");
                for (int i = 0; i < barWidth; i++) b.append(i < filled ? '=' : i == filled ? '>' : ' ');
                b.append(']');
            }
            b.append(' ').append(amount);
        }
        return b.toString();
    }

    /** One line per event, for logs and pipes. */
    static final class Lines extends ProgressDisplay {
        private final PrintWriter out;

        Lines(PrintWriter out) {
            this.out = out;
        }

        private synchronized void line(String s) {
            out.println(s);
            out.flush();
        }

        @Override
        public Task start(String id, String label, long total) {
            line(id + ": " + label);
            return new Task() {
                private String current = label;

                @Override public void advance(long delta) {}
                @Override public void set(long done) {}

                @Override
                public void setLabel(String l) {
                    if (!l.equals(current)) {
                        current = l;
                        line(id + ": " + l);
                    }
                }

                @Override
                public void finish(String status) {
                    line(id + ": " + status);
                }
            };
        }

        @Override
        public void message(String line) {
            line(line);
        }

        @Override
        public void close() {
            out.flush();
        }
    }

    static final class Silent extends ProgressDisplay {
        @Override
        public Task start(String id, String label, long total) {
            return NONE.start(id, label, total);
        }

        @Override
        public void message(String line) {}

        @Override
        public void close() {}
    }
}
