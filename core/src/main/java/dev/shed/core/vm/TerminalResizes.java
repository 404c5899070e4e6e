package dev.shed.core.vm;

import java.util.function.Consumer;

/** Where a terminal's new sizes come from while a command runs on it (on a host terminal: SIGWINCH). */
@FunctionalInterface
public interface TerminalResizes {
    TerminalResizes NONE = listener -> () -> {};

    /** Calls {@code listener} with each new size until the returned action is run. */
    Runnable subscribe(Consumer<ExecRequest.TerminalSize> listener);
}
