package dev.shed.core.vm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code shed exec}: the command, its environment and working directory in the image's root. Turned into the
 * shell line the guest init runs: busybox {@code env -i} sets exactly this environment, busybox {@code nsenter}
 * opens the working directory, chroots into the overlay root and execs the command there (found along the
 * environment's PATH inside the image). Every word is single-quoted, so arguments reach the command byte for byte.
 */
public record ExecRequest(List<String> command, Map<String, String> env, String workdir) {
    static final String ROOT = "/newroot";
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ExecRequest {
        if (command.isEmpty()) throw new IllegalArgumentException("shed exec: no command given (shed exec NAME -- CMD ARGS...)");
        command = List.copyOf(command);
        env = new LinkedHashMap<>(env);
        if (!workdir.startsWith("/")) throw new IllegalArgumentException("working directory must be absolute: " + workdir);
    }

    /**
     * The request for {@code command} in an image whose config says {@code imageEnv} / {@code imageWorkdir},
     * with {@code -e} overrides ({@code K=V}) and {@code --workdir} (relative to the image's working directory).
     */
    public static ExecRequest of(List<String> command, List<String> imageEnv, String imageWorkdir, List<String> overrides, String workdir) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", DEFAULT_PATH);
        env.put("HOME", "/root");
        for (String kv : imageEnv) put(env, kv, "image config Env");
        for (String kv : overrides) put(env, kv, "-e");
        String base = imageWorkdir == null || imageWorkdir.isEmpty() ? "/" : imageWorkdir;
        if (!base.startsWith("/")) base = "/" + base;
        String wd = workdir == null ? base : workdir.startsWith("/") ? workdir : base.replaceAll("/+$", "") + "/" + workdir;
        return new ExecRequest(command, env, wd);
    }

    private static void put(Map<String, String> env, String kv, String where) {
        int eq = kv.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException(where + " entry '" + kv + "' is not KEY=VALUE");
        env.put(kv.substring(0, eq), kv.substring(eq + 1));
    }

    /** The shell line for the guest init. */
    public String script() {
        List<String> words = new ArrayList<>(List.of("exec", "/bin/busybox", "env", "-i"));
        env.forEach((k, v) -> words.add(quote(k + "=" + v)));
        words.addAll(List.of("/bin/busybox", "nsenter", "-r" + ROOT, quote("-w" + ROOT + workdir), "-F", "--"));
        for (String a : command) words.add(quote(a));
        return String.join(" ", words) + "\n";
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
