package dev.shed.core.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A shed's QEMU process, known by its pid file and confirmed in /proc: the pid must belong to a live process
 * whose command line names that same pid file, so a stale file (QEMU or the host crashed) or a recycled pid never
 * reads as running. This, not shed's records, is the truth about a VM shed running.
 */
public final class VmProcess {
    private VmProcess() {}

    /** The live QEMU behind {@code pidFile}, if any. */
    public static Optional<ProcessHandle> find(Path pidFile) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (h.isEmpty()) return Optional.empty();
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String args = new String(cmdline, StandardCharsets.UTF_8);
            return args.contains("\0" + pidFile + "\0") || args.endsWith("\0" + pidFile) ? h : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Waits for {@code p} to exit; true if it did within {@code timeout}. */
    public static boolean awaitExit(ProcessHandle p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (p.isAlive()) {
            if (System.nanoTime() > deadline) return false;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !p.isAlive();
            }
        }
        return true;
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    public static void kill(ProcessHandle p, Duration grace) {
        p.destroy();
        if (!awaitExit(p, grace)) {
            p.destroyForcibly();
            awaitExit(p, Duration.ofSeconds(10));
        }
    }
}
