package dev.shed.cli;

import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * Options every command accepts, before or after the subcommand name ({@code shed --root X image ls} or
 * {@code shed image ls --root X}). Values live in statics because picocli sets inherited options on the
 * declaring command's instance; one process runs one command line at a time (tests included).
 */
public final class GlobalOptions {
    private static Path root;
    private static boolean debug;

    @Option(names = "--root", scope = ScopeType.INHERIT, paramLabel = "DIR",
            description = "Store root (default: $SHED_ROOT, else $XDG_DATA_HOME/shed, else ~/.local/share/shed).")
    void setRoot(Path value) {
        root = value;
    }

    @Option(names = "--debug", scope = ScopeType.INHERIT,
            description = "Print stack traces on errors (also: SHED_DEBUG=1).")
    void setDebug(boolean value) {
        debug = value;
    }

    static void reset() {
        root = null;
        debug = false;
    }

    public static boolean debug() {
        return debug || "1".equals(System.getenv("SHED_DEBUG"));
    }

    public static Path root() {
        return root != null ? root : Store.defaultRoot();
    }

    /** Opens the store the options name. */
    public static Store openStore() {
        try {
            return Store.open(root());
        } catch (IOException e) {
            throw new ShedException(ExitCodes.FAILURE, "cannot open store at " + root() + ": " + e.getMessage());
        }
    }
}
