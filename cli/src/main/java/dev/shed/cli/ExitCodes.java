package dev.shed.cli;

/** Exit codes scripts can rely on. */
public final class ExitCodes {
    private ExitCodes() {}

    public static final int OK = 0;
    /** The operation failed (I/O, registry, corrupt input). */
    public static final int FAILURE = 1;
    /** The command line was wrong (unknown flag, invalid reference or platform syntax). */
    public static final int USAGE = 2;
    /** A named image, shed or snapshot does not exist. */
    public static final int NOT_FOUND = 3;
    /** The operation conflicts with state (a lower in use by a running shed, a name already taken). */
    public static final int CONFLICT = 4;
}
