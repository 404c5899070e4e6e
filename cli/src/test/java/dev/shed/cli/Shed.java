package dev.shed.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs shed for tests: in-process (captured stdout/stderr, raw bytes too) or as a separate JVM. */
public final class Shed {
    private Shed() {}

    /** What a run printed and returned. */
    public record Result(int exit, String out, String err, byte[] rawOut) {
        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }
    }

    /** In-process run against {@code root}. Raw byte output (inspect) is captured from System.out. */
    public static synchronized Result run(Path root, String... args) {
        List<String> full = new ArrayList<>(List.of("--root", root.toString()));
        full.addAll(List.of(args));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(raw, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), full.toArray(String[]::new));
        } finally {
            System.out.flush();
            System.setOut(saved);
        }
        return new Result(exit, out.toString(), err.toString(), raw.toByteArray());
    }

    /** The test class path, for starting shed in another JVM (surefire hides it behind a booter jar). */
    public static String classPath() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }

    /** {@code java -cp … dev.shed.cli.Main --root ROOT args}: shed as another process. */
    public static List<String> command(Path root, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-cp", classPath(), "dev.shed.cli.Main", "--root", root.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Starts {@link #command} with output to files in {@code logs}. */
    public static Process start(Path root, Path logs, String name, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(root, args));
        pb.redirectOutput(logs.resolve(name + ".out").toFile());
        pb.redirectError(logs.resolve(name + ".err").toFile());
        return pb.start();
    }

    /** Runs shed in another JVM to completion. */
    public static Result runProcess(Path root, Path logs, String name, String... args) throws Exception {
        Process p = start(root, logs, name, args);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("shed " + String.join(" ", args) + " timed out");
        }
        String out = java.nio.file.Files.readString(logs.resolve(name + ".out"));
        String err = java.nio.file.Files.readString(logs.resolve(name + ".err"));
        return new Result(p.exitValue(), out, err, out.getBytes(StandardCharsets.UTF_8));
    }
}
