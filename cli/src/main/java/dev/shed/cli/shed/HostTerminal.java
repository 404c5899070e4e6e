package dev.shed.cli.shed;

import dev.shed.core.vm.ExecRequest.TerminalSize;
import dev.shed.core.vm.TerminalResizes;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The terminal shed's stdin is, driven through stty (the JDK has no termios): its size, raw mode, and putting back
 * the settings it had. {@link #close} restores them, and so does a shutdown hook if the JVM is ended by a signal
 * while raw (SIGKILL aside), so a shell is never left without echo.
 */
final class HostTerminal implements AutoCloseable {
    static final TerminalSize DEFAULT_SIZE = new TerminalSize(24, 80);

    private final String saved;
    private Thread restoreOnExit;

    private HostTerminal(String saved) {
        this.saved = saved;
    }

    /** The terminal on stdin, or empty when stdin is not one. */
    static Optional<HostTerminal> onStdin() throws IOException {
        Optional<String> settings = stty(ProcessBuilder.Redirect.INHERIT, "-g");
        return settings.map(HostTerminal::new);
    }

    /** The size of the terminal on stdin, else of the controlling terminal, else 24x80. */
    static TerminalSize size() throws IOException {
        Optional<String> s = stty(ProcessBuilder.Redirect.INHERIT, "size");
        if (s.isEmpty()) {
            try {
                s = stty(ProcessBuilder.Redirect.from(new File("/dev/tty")), "size");
            } catch (IOException noControllingTerminal) {
                // /dev/tty exists but does not open: no terminal at all
            }
        }
        if (s.isEmpty()) return DEFAULT_SIZE;
        String[] rc = s.get().split("\\s+");
        try {
            int rows = Integer.parseInt(rc[0]);
            int cols = Integer.parseInt(rc[1]);
            return rows > 0 && cols > 0 ? new TerminalSize(rows, cols) : DEFAULT_SIZE;
        } catch (RuntimeException unexpected) {
            return DEFAULT_SIZE;
        }
    }

    /** The terminal's new size at each SIGWINCH (the window was resized), until unsubscribed. */
    static TerminalResizes resizes() {
        return listener -> {
            Signal winch = new Signal("WINCH");
            SignalHandler previous = Signal.handle(winch, sig -> {
                try {
                    listener.accept(size());
                } catch (IOException unreadable) {
                    // keep the size the terminal had
                }
            });
            return () -> Signal.handle(winch, previous);
        };
    }

    /** Input byte by byte, no echo, no signals from ^C (they go to whoever reads the bytes). */
    void raw() throws IOException {
        restoreOnExit = new Thread(this::restore, "shed-terminal-restore");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        stty(ProcessBuilder.Redirect.INHERIT, "raw", "-echo");
    }

    @Override
    public void close() {
        restore();
        if (restoreOnExit != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException exiting) {
                // the hook runs (or ran) anyway
            }
        }
    }

    private void restore() {
        try {
            stty(ProcessBuilder.Redirect.INHERIT, saved);
        } catch (IOException ignored) {
            // nothing more to do on the way out
        }
    }

    /** stty's output, or empty when it failed (stdin not a terminal). */
    private static Optional<String> stty(ProcessBuilder.Redirect input, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("stty"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(input).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            return p.waitFor() == 0 ? Optional.of(out) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
