package dev.shed.core.vm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a VM shed's runtime files are: {@code shed/sheds/NAME/vm/} holds the pid file and the console log (so
 * {@code shed rm} removes them with the shed); the unix sockets sit there too unless that path is too long for a
 * socket address (108 bytes), then in {@code /tmp/shed-vm-HASH/}.
 */
public record VmFiles(Path dir, Path sockets) {
    private static final int MAX_SOCKET_PATH = 100;

    public static VmFiles of(Path dataDir) {
        Path dir = dataDir.toAbsolutePath().resolve("vm");
        Path sockets = dir;
        if (dir.resolve("console.sock").toString().length() > MAX_SOCKET_PATH) {
            sockets = Path.of(System.getProperty("java.io.tmpdir"), "shed-vm-" + hash(dir.toString()));
        }
        return new VmFiles(dir, sockets);
    }

    public Path pidFile() { return dir.resolve("qemu.pid"); }
    public Path consoleLog() { return dir.resolve("console.log"); }
    public Path consoleSocket() { return sockets.resolve("console.sock"); }
    public Path controlSocket() { return sockets.resolve("ctl.sock"); }
    public Path stdoutSocket() { return sockets.resolve("out.sock"); }
    public Path stderrSocket() { return sockets.resolve("err.sock"); }
    public Path stdinSocket() { return sockets.resolve("in.sock"); }
    public Path terminalSocket() { return sockets.resolve("tty.sock"); }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
