package dev.shed.core.shed;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs mount(8), umount(8), losetup(8): stdout is the answer, stderr goes into the error when it fails. */
final class HostCommand {
    private HostCommand() {}

    static String run(String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process proc = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(proc.getErrorStream()));
        String out;
        try {
            out = drain(proc.getInputStream());
            if (!proc.waitFor(2, TimeUnit.MINUTES)) {
                proc.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + ": interrupted", e);
        }
        if (proc.exitValue() != 0) {
            String why = (err.join() + " " + out).strip().replace('\n', ' ');
            throw new IOException(String.join(" ", command) + " failed (exit " + proc.exitValue() + "): " + why);
        }
        return out.strip();
    }

    private static String drain(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
