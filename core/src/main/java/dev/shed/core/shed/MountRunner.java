package dev.shed.core.shed;

import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a shed as host mounts: the lower read-only through a loop device, an overlay with the shed's upper
 * dir on top. It shells out to mount(8)/umount(8): Java 17 has no mount(2) or loop ioctl API (that needs JNI or
 * the preview FFM API), and mount(8) does the loop setup right — picks a free device race-free, sets autoclear
 * so umount detaches it, and reports errors in the kernel's words. A VM runner replaces all of this later.
 */
public final class MountRunner implements ShedRunner {
    private final MountTable table;

    public MountRunner(MountTable table) {
        this.table = table;
    }

    @Override
    public Path start(Shed shed, ShedPaths p, Path lower) throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            throw new IOException("shed start " + shed.name() + ": mounting sheds needs Linux (a VM runner comes later)");
        }
        if (!isRoot()) throw new IOException("shed start " + shed.name() + ": mounting the lower and overlay needs root");
        for (Path dir : List.of(p.lowerMount(), p.upper(), p.work())) {
            String s = dir.toString();
            if (s.contains(",") || s.contains(":")) {
                throw new IOException("shed start " + shed.name() + ": store path " + s + " contains ',' or ':', which overlayfs options cannot carry");
            }
        }
        StoreDirs.createDirectories(p.lowerMount());
        StoreDirs.createDirectories(p.rootfs());
        StoreDirs.createDirectories(p.upper());
        StoreDirs.createDirectories(p.work(), StoreDirs.PRIVATE_DIR_MODE);
        if (!table.isMountPoint(p.lowerMount())) {
            run("mount", "-t", "erofs", "-o", "loop,ro", lower.toString(), p.lowerMount().toString());
        }
        try {
            run("mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=" + p.lowerMount() + ",upperdir=" + p.upper() + ",workdir=" + p.work(), p.rootfs().toString());
        } catch (IOException e) {
            unmountIfMounted(p.lowerMount());
            throw e;
        }
        return p.rootfs();
    }

    @Override
    public void stop(Shed shed, ShedPaths p) throws IOException {
        unmountIfMounted(p.rootfs());
        unmountIfMounted(p.lowerMount());
    }

    @Override
    public boolean isRunning(Shed shed, ShedPaths p) {
        return table.isMountPoint(p.rootfs());
    }

    private void unmountIfMounted(Path dir) throws IOException {
        if (table.isMountPoint(dir)) run("umount", dir.toString());
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return false;
    }

    private static void run(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process proc = pb.start();
        String output;
        try {
            output = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!proc.waitFor(2, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        if (proc.exitValue() != 0) {
            List<String> parts = new ArrayList<>(List.of(command));
            throw new IOException(String.join(" ", parts) + " failed (exit " + proc.exitValue() + "): " + output.replace('\n', ' '));
        }
    }
}
