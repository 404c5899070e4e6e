package dev.shed.core.vm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code shed exec}: the command, its environment, working directory, user and terminal in the image's root.
 * Turned into the shell line the guest init runs: busybox {@code nsenter} opens the working directory and chroots
 * into the overlay root, where the initrd's busybox (reached through {@code /proc/1/root}) runs
 * {@code exec-user.sh}: it resolves the user against the shed's own /etc/passwd and /etc/group, finds the command
 * along the image's PATH and execs it as that user with exactly this environment. Every word is single-quoted, so
 * arguments reach the command byte for byte.
 *
 * @param user  {@code NAME|UID[:GROUP|:GID]}, or empty for root
 * @param where names the shed and its image in the guest's error messages
 * @param tty   the terminal's size when the command gets one, else null
 */
public record ExecRequest(List<String> command, Map<String, String> env, String workdir, String user, String where,
                          TerminalSize tty) {
    static final String ROOT = "/newroot";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final String USER_SCRIPT = resource("exec-user.sh");

    public ExecRequest {
        if (command.isEmpty()) throw new IllegalArgumentException("shed exec: no command given (shed exec NAME -- CMD ARGS...)");
        command = List.copyOf(command);
        env = new LinkedHashMap<>(env);
        if (!workdir.startsWith("/")) throw new IllegalArgumentException("working directory must be absolute: " + workdir);
        if (!user.isEmpty() && !user.matches("[^:\\s]+(:[^:\\s]+)?")) {
            throw new IllegalArgumentException("user '" + user + "' is not USER, UID, USER:GROUP or UID:GID");
        }
    }

    /** Rows and columns of a terminal. */
    public record TerminalSize(int rows, int cols) {
        public TerminalSize {
            if (rows <= 0 || cols <= 0) throw new IllegalArgumentException("terminal size " + rows + "x" + cols);
        }
    }

    /**
     * The request for {@code command} in an image whose config says {@code config} (Env, WorkingDir, User), with
     * {@code -e} overrides ({@code K=V}), {@code --workdir} (relative to the image's working directory) and
     * {@code --user} (null: the image's User). HOME is left to the guest (the user's home) unless an Env sets it;
     * a terminal brings TERM=xterm unless an Env sets it, as docker does.
     */
    public static ExecRequest of(List<String> command, ImageRuntimeConfig config, List<String> overrides, String workdir,
                                 String user, String where, TerminalSize tty) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        for (String kv : config.env()) put(env, kv, "image config Env");
        for (String kv : overrides) put(env, kv, "-e");
        if (tty != null) env.putIfAbsent("TERM", "xterm");
        String base = config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir();
        if (!base.startsWith("/")) base = "/" + base;
        String wd = workdir == null ? base : workdir.startsWith("/") ? workdir : base.replaceAll("/+$", "") + "/" + workdir;
        return new ExecRequest(command, env, wd, user != null ? user : config.user(), where, tty);
    }

    private static void put(Map<String, String> env, String kv, String where) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException(where + " entry '" + kv + "' is not KEY=VALUE");
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    /** The shell line for the guest init. */
    public String script() {
        return script(ROOT);
    }

    /** The same line for an image root mounted at {@code root} (a host test runs it in a chroot there). */
    String script(String root) {
        List<String> words = new ArrayList<>();
        // the size the host's terminal has, set before the command starts (a failure leaves the default 0x0)
        if (tty != null) words.addAll(List.of("/bin/busybox", "stty", "rows", "" + tty.rows(), "cols", "" + tty.cols(), "2>/dev/null;"));
        words.addAll(List.of("exec", "/bin/busybox", "nsenter", quote("-r" + root), quote("-w" + root + workdir), "-F", "--",
                "/proc/1/root/bin/busybox", "sh", "-c", quote(USER_SCRIPT), "shed-exec", quote(user), quote(where)));
        env.forEach((k, v) -> words.add(quote(k + "=" + v)));
        words.add("--");
        for (String a : command) words.add(quote(a));
        return String.join(" ", words) + "\n";
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    private static String resource(String name) {
        try (InputStream in = ExecRequest.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
