package dev.shed.core.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A shed's QEMU process, known by its pid file and confirmed in /proc: the pid must belong to a live process
 * whose command line names that same pid file, so a stale file (QEMU or the host crashed) or a recycled pid never
 * reads as running. This, not shed's records, is the truth about a VM shed running.
 */
public final class VmProcess {
    private VmProcess() {}

    /** The live QEMU behind {@code pidFile}, if any. */
    public static Optional<ProcessHandle> find(Path pidFile) {
        OptionalLong pid = pid(pidFile);
        return pid.isEmpty() ? Optional.empty() : ProcessHandle.of(pid.getAsLong()).filter(ProcessHandle::isAlive);
    }

    /** Whether QEMU behind {@code pidFile} runs: /proc alone, without ProcessHandle's set-up (shed exec asks). */
    public static boolean isRunning(Path pidFile) {
        return pid(pidFile).isPresent();
    }

    /** The pid in {@code pidFile} if /proc shows a process of that pid whose command line names the file. */
    private static OptionalLong pid(Path pidFile) {
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        try {
            // gone: no such file; a zombie: an empty command line
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String args = new String(cmdline, StandardCharsets.UTF_8);
            return args.contains("\0" + pidFile + "\0") || args.endsWith("\0" + pidFile) ? OptionalLong.of(pid) : OptionalLong.empty();
        } catch (IOException e) {
            return OptionalLong.empty();
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
