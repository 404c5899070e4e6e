package dev.shed.cli;

import picocli.CommandLine;

/** Entry point of the {@code shed} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs shed and returns its exit code (see {@link ExitCodes}); used by tests in-process. */
    public static int run(String... args) {
        return ShedCommand.commandLine().execute(args);
    }
}
