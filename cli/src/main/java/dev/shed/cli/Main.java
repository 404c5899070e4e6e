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
        return prepare(args).execute();
    }

    /** The command line that will run {@code args}: just the named leaf command when possible (fast start). */
    static FastDispatch.Dispatch prepare(String... args) {
        return FastDispatch.leaf(args).orElseGet(() -> new FastDispatch.Dispatch(ShedCommand.commandLine(), args));
    }

    /** For tests: runs {@code args} like {@link #run} with the given output streams. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        FastDispatch.Dispatch d = prepare(args);
        d.commandLine().setOut(out);
        d.commandLine().setErr(err);
        return d.execute();
    }
}
