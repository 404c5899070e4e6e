package dev.shed.cli;

/** An error the CLI reports as one line with a chosen exit code. */
public class ShedException extends RuntimeException {
    private final int exitCode;

    public ShedException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
