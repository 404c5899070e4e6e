package dev.shed.cli;

import dev.shed.core.image.ImageNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns any exception into one clear line on stderr and an exit code; stack traces only with --debug. Usage errors
 * (picocli's parameter exceptions) end their line with a pointer to the command's --help, exit code
 * {@link ExitCodes#USAGE}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler, CommandLine.IExitCodeExceptionMapper,
        CommandLine.IParameterExceptionHandler {

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        // one line, like every other error, so `2>&1 | head -1` or a log line carries the whole story
        c.getErr().println("shed: error: " + message(ex) + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
        c.getErr().flush();
        return ExitCodes.USAGE;
    }

    @Override
    public int getExitCode(Throwable t) {
        return exitCode(t);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        Throwable t = ex;
        while ((t instanceof UncheckedIOException || t instanceof java.util.concurrent.ExecutionException
                || t instanceof java.util.concurrent.CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        cmd.getErr().println("shed: error: " + message(t));
        if (GlobalOptions.debug()) t.printStackTrace(cmd.getErr());
        cmd.getErr().flush();
        return exitCode(t);
    }

    static int exitCode(Throwable t) {
        if (t instanceof ShedException se) return se.exitCode();
        if (t instanceof ImageNotFoundException || t instanceof dev.shed.core.shed.ShedNotFoundException) return ExitCodes.NOT_FOUND;
        if (t instanceof dev.shed.core.shed.ShedConflictException || t instanceof dev.shed.core.cache.LowerInUseException) {
            return ExitCodes.CONFLICT;
        }
        if (t instanceof IllegalArgumentException) return ExitCodes.USAGE;
        return ExitCodes.FAILURE;
    }

    /** The message, always one line: multi-line texts (e.g. from JSON parsers) are cut at the first break. */
    static String message(Throwable t) {
        String m = describe(t);
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }

    private static String describe(Throwable t) {
        if (t instanceof dev.shed.core.store.BlobNotFoundException e) return e.getMessage();
        if (t instanceof NoSuchFileException e) return "no such file or directory: " + e.getFile();
        if (t instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
        if (t instanceof FileAlreadyExistsException e) return "already exists: " + e.getFile();
        String m = t.getMessage();
        if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
        if (t instanceof IOException && !(t instanceof dev.shed.core.store.BlobMismatchException) && !(t instanceof dev.shed.core.layer.LayerFormatException)
                && !(t instanceof dev.shed.core.store.StoreLinkException) && t.getClass() != IOException.class) {
            m = t.getClass().getSimpleName() + ": " + m;
        }
        return m;
    }
}
