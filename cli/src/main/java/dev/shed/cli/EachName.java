package dev.shed.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs one action per name, docker-style ({@code docker rm a b c}): every name is tried, each failure is one error
 * line, each success prints what the action returns; the exit code is the first failure's (or 0).
 */
public final class EachName {
    private EachName() {}

    /** What to do with one name; returns the line to print on success. */
    @FunctionalInterface
    public interface Action {
        String apply(String name) throws Exception;
    }

    public static int apply(List<String> names, CommandLine.Model.CommandSpec spec, Action action) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int exit = ExitCodes.OK;
        for (String name : names) {
            try {
                out.println(action.apply(name));
                out.flush();
            } catch (Exception e) {
                err.println("shed: error: " + ErrorHandler.message(e));
                err.flush();
                if (GlobalOptions.debug()) e.printStackTrace(err);
                if (exit == ExitCodes.OK) exit = ErrorHandler.exitCode(e);
            }
        }
        return exit;
    }
}
