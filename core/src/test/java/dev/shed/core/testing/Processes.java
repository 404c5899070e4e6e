package dev.shed.core.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs external programs in tests and fails with their output when they fail. */
public final class Processes {
    private Processes() {}

    public record Result(int exitCode, String stdout, String stderr) {}

    public static Result run(Path dir, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        if (dir != null) pb.directory(dir.toFile());
        Path out = java.nio.file.Files.createTempFile("proc", ".out");
        Path err = java.nio.file.Files.createTempFile("proc", ".err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        Result r = new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8),
                java.nio.file.Files.readString(err, StandardCharsets.UTF_8));
        java.nio.file.Files.deleteIfExists(out);
        java.nio.file.Files.deleteIfExists(err);
        return r;
    }

    /** Runs and asserts exit 0; returns stdout. */
    public static String check(Path dir, String... command) throws IOException, InterruptedException {
        Result r = run(dir, List.of(command));
        if (r.exitCode() != 0) {
            throw new AssertionError(String.join(" ", command) + " exited " + r.exitCode() + "\nstdout: " + r.stdout() + "\nstderr: " + r.stderr());
        }
        return r.stdout();
    }
}
