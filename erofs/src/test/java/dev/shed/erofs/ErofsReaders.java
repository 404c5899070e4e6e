package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The independent readers we check images with: erofs-utils' fsck.erofs and the Linux kernel.
 * Checks skip when the tool or root is missing, unless SHED_REQUIRE_INTEGRATION is set (then fail).
 */
final class ErofsReaders {
    private ErofsReaders() {}

    record Result(int exit, String output) {}

    static boolean integrationRequired() {
        String v = System.getenv("SHED_REQUIRE_INTEGRATION");
        return v != null && !v.isEmpty();
    }

    private static void require(boolean available, String what) {
        if (available) return;
        if (integrationRequired()) fail(what + " is required (SHED_REQUIRE_INTEGRATION is set)");
        Assumptions.assumeTrue(false, what + " not available");
    }

    static void requireFsck() {
        require(onPath("fsck.erofs"), "fsck.erofs");
    }

    static void requireMount() {
        require(onPath("mount") && isRoot() && Files.exists(Path.of("/dev/loop-control")), "root + loop mount");
    }

    static void requireGetfattr() {
        require(onPath("getfattr"), "getfattr (package attr)");
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    static boolean isRoot() {
        try {
            return run(List.of("id", "-u")).output().trim().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    static Result run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timeout: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** fsck.erofs --extract=DIR IMG must succeed; returns DIR. */
    static Path fsckExtract(Path image, Path dir) throws IOException {
        requireFsck();
        Result r = run(List.of("fsck.erofs", "--extract=" + dir, image.toString()));
        assertThat(r.exit()).as("fsck.erofs output:\n%s", r.output()).isZero();
        return dir;
    }

    /** A mounted image; close() unmounts. */
    static final class Mount implements AutoCloseable {
        final Path dir;

        private Mount(Path dir) {
            this.dir = dir;
        }

        @Override
        public void close() throws IOException {
            Result r = run(List.of("umount", dir.toString()));
            if (r.exit() != 0) throw new IOException("umount failed: " + r.output());
        }
    }

    static Mount mount(Path image, Path dir) throws IOException {
        requireMount();
        Files.createDirectories(dir);
        Result r = run(List.of("mount", "-t", "erofs", "-o", "loop,ro", image.toString(), dir.toString()));
        assertThat(r.exit()).as("mount output:\n%s", r.output()).isZero();
        return new Mount(dir);
    }

    /**
     * A multi-device image mounted the way shed mounts shared lowers: every file attached read-only to its own loop
     * device ({@code losetup -r -f --show}), {@code -o ro,device=LOOP,...} in table order. close() unmounts and
     * detaches every loop device, also after a failed mount.
     */
    static final class DeviceMount implements AutoCloseable {
        final Path dir;
        private final List<String> loops = new ArrayList<>();
        private boolean mounted;

        private DeviceMount(Path dir) {
            this.dir = dir;
        }

        @Override
        public void close() throws IOException {
            IOException failure = null;
            if (mounted) {
                Result r = run(List.of("umount", dir.toString()));
                if (r.exit() != 0) failure = new IOException("umount failed: " + r.output());
            }
            for (String loop : loops) {
                Result r = run(List.of("losetup", "-d", loop));
                if (r.exit() != 0 && failure == null) failure = new IOException("losetup -d " + loop + ": " + r.output());
            }
            if (failure != null) throw failure;
        }
    }

    static DeviceMount mountWithDevices(Path image, List<Path> devices, Path dir) throws IOException {
        requireMount();
        Files.createDirectories(dir);
        DeviceMount m = new DeviceMount(dir);
        try {
            StringBuilder opts = new StringBuilder("ro");
            for (Path d : devices) opts.append(",device=").append(attach(m, d));
            String meta = attach(m, image);
            Result r = run(List.of("mount", "-t", "erofs", "-o", opts.toString(), meta, dir.toString()));
            assertThat(r.exit()).as("mount output:\n%s", r.output()).isZero();
            m.mounted = true;
            return m;
        } catch (IOException | RuntimeException | Error e) {
            m.close();
            throw e;
        }
    }

    private static String attach(DeviceMount m, Path file) throws IOException {
        Result r = run(List.of("losetup", "-r", "-f", "--show", file.toString()));
        if (r.exit() != 0) throw new IOException("losetup " + file + ": " + r.output());
        String loop = r.output().trim();
        m.loops.add(loop);
        return loop;
    }

    /** All xattrs under {@code root} (not following symlinks), as path-relative-to-root → name → value. */
    static Map<String, Map<String, byte[]>> xattrs(Path root) throws IOException {
        requireGetfattr();
        Result r = run(List.of("getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", "--absolute-names", root.toString()));
        Map<String, Map<String, byte[]>> all = new HashMap<>();
        Map<String, byte[]> current = null;
        String rootStr = root.toString();
        for (String line : r.output().split("\n")) {
            if (line.startsWith("# file: ")) {
                String abs = unescape(line.substring(8));
                String rel = abs.equals(rootStr) ? "" : abs.substring(rootStr.length() + 1);
                current = new TreeMap<>();
                all.put(rel, current);
            } else if (current != null && line.contains("=")) {
                int eq = line.indexOf('=');
                String value = line.substring(eq + 1);
                current.put(line.substring(0, eq), value.startsWith("0x")
                        ? HexFormat.of().parseHex(value.substring(2)) : new byte[0]);
            }
        }
        return all;
    }

    /** getfattr escapes unusual bytes in file names as \ooo octal. */
    private static String unescape(String s) {
        List<Byte> out = new ArrayList<>();
        byte[] raw = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            if (raw[i] == '\\' && i + 3 < raw.length + 0 && Character.isDigit(raw[i + 1])) {
                out.add((byte) Integer.parseInt(new String(raw, i + 1, 3, StandardCharsets.US_ASCII), 8));
                i += 3;
            } else {
                out.add(raw[i]);
            }
        }
        byte[] b = new byte[out.size()];
        for (int i = 0; i < b.length; i++) b[i] = out.get(i);
        return new String(b, StandardCharsets.UTF_8);
    }
}
