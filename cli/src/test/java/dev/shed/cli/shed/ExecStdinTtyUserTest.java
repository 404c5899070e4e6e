package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.testing.BusyboxImage;
import dev.shed.core.testing.GuestKernelFixture;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shed exec -i / -t / -u} against one booted shed (QEMU, TCG, Debian's 6.1 kernel), every call a separate
 * shed process as a user runs it: binary stdin both ways, its EOF, unread input not leaking into the next call, a terminal under a host pty (util-linux
 * {@code script}) with the host's size, resizes, a hang-up when shed is killed, and raw mode put back, and the image's User / {@code -u} resolved against
 * the image's /etc/passwd and /etc/group (written here; busybox {@code id} in the guest reads the same files, the
 * expected lines are worked out from them by hand).
 */
class ExecStdinTtyUserTest {
    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            alice:x:1000:1000:Alice:/home/alice:/bin/sh
            bob:x:1001:100::/home/bob:/bin/sh
            """;
    static final String GROUP = """
            root:x:0:
            users:x:100:
            alice:x:1000:
            wheel:x:10:alice,bob
            audio:x:29:bob
            """;

    @TempDir
    Path tmp;
    Path root;

    record Run(int exit, byte[] raw, String err) {
        String out() {
            return new String(raw, StandardCharsets.UTF_8);
        }
    }

    @AfterEach
    void stop() {
        if (root != null) Shed.run(root, "stop", "dev");
    }

    /** shed ARGS as its own process, stdin from {@code stdin} (null: the test's, i.e. nothing). */
    Run shed(byte[] stdin, String... args) throws Exception {
        return run(new ProcessBuilder(Shed.command(root, args)), stdin);
    }

    /** {@code line} run by sh under a pty (script -e: its exit code is the line's), fed {@code input}. */
    Run onTerminal(String input, String line) throws Exception {
        return run(new ProcessBuilder("script", "-qefc", line, "/dev/null"), input.getBytes(StandardCharsets.UTF_8));
    }

    Run run(ProcessBuilder pb, byte[] stdin) throws Exception {
        Path in = Files.write(Files.createTempFile(tmp, "in", ""), stdin == null ? new byte[0] : stdin);
        Path out = Files.createTempFile(tmp, "out", "");
        Path err = Files.createTempFile(tmp, "err", "");
        Process p = pb.redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(pb.command() + " timed out; stderr: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
    }

    /** A shell line running shed (the test's JVM and class path) with {@code args}, each word quoted. */
    String shedLine(String... args) {
        return Shed.command(root, args).stream().map(w -> "'" + w.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    @Test
    void stdinTerminalAndUser() throws Exception {
        Path kernel = GuestKernelFixture.require();
        Integration.requireTool("script");
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("layout"));
        TarLayerBuilder image = BusyboxImage.root("sh", "cat", "id", "tty", "stty", "wc", "sha256sum", "sleep")
                .dir("tmp", 01777).dir("etc").file("etc/passwd", PASSWD).file("etc/group", GROUP)
                // the image's own ls: a bare command name must reach it, not the initrd busybox's applet
                .file("bin/ls", "#!/bin/sh\necho image-ls\n".getBytes(StandardCharsets.UTF_8), 0755);
        BusyboxImage.write(layout, "bb", image, c -> {
            c.putArray("Env").add("PATH=/bin");
            c.put("User", "alice");
        });
        root = tmp.resolve("store");
        assertThat(Shed.run(root, "image", "build", "--from-oci-archive", layout.dir().toString()).exit()).isZero();
        assertThat(Shed.run(root, "config", "set", "vm.kernel", kernel.toString()).exit()).isZero();
        assertThat(Shed.run(root, "create", "dev", "--image", "bb", "--upper-size", "64M").exit()).isZero();
        Shed.Result started = Shed.run(root, "start", "dev");
        assertThat(started.exit()).as(started.err()).isZero();

        // -i: binary stdin, every byte value, a few MB, back out byte for byte; and hashed by the guest
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        for (int i = 0; i < 256; i++) data[i] = (byte) i;
        Run echoed = shed(data, "exec", "-i", "dev", "--", "cat");
        assertThat(echoed.exit()).as(echoed.err()).isZero();
        assertThat(echoed.raw()).isEqualTo(data);
        Run hashed = shed(data, "exec", "-i", "dev", "--", "sh", "-c", "cat > /tmp/in && sha256sum < /tmp/in");
        assertThat(hashed.out()).startsWith(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)));
        // the end of stdin is the command's EOF; without -i the command reads /dev/null whatever shed's stdin holds
        Run eof = shed("abc".getBytes(StandardCharsets.UTF_8), "exec", "-i", "dev", "--", "sh", "-c", "cat; echo; echo after-eof");
        assertThat(eof.out()).isEqualTo("abc\nafter-eof\n");
        assertThat(shed(new byte[0], "exec", "-i", "dev", "--", "wc", "-c").out().strip()).isEqualTo("0");
        assertThat(shed("ignored".getBytes(StandardCharsets.UTF_8), "exec", "dev", "--", "wc", "-c").out().strip()).isEqualTo("0");
        // what a command leaves unread is dropped with it, never read by the next call
        assertThat(shed("first\nleft-over\n".getBytes(StandardCharsets.UTF_8), "exec", "-i", "dev", "--", "sh", "-c", "read x; echo $x").out())
                .isEqualTo("first\n");
        assertThat(shed("next".getBytes(StandardCharsets.UTF_8), "exec", "-i", "dev", "--", "cat").out()).isEqualTo("next");

        // -t: a terminal of the host's size, stdout and stderr merged through it, the command's exit code
        Run tty = onTerminal("", "stty rows 33 cols 101; " + shedLine("exec", "-t", "dev", "--", "sh", "-c",
                "tty; stty size; echo $TERM; echo to-stderr >&2; exit 3"));
        assertThat(tty.exit()).as(tty.out() + tty.err()).isEqualTo(3);
        assertThat(tty.out()).contains("/dev/hvc0\r", "33 101\r", "xterm\r", "to-stderr\r");
        // -it: what is typed reaches the command; the host terminal's settings are back afterwards
        Run typed = onTerminal("hello\n", "echo before=$(stty -g); " + shedLine("exec", "-it", "dev", "--", "sh", "-c",
                "read x; echo got-$x; exit 4") + "; echo rc=$?; echo after=$(stty -g)");
        assertThat(typed.out()).as(typed.err()).contains("got-hello", "rc=4");
        List<String> settings = Stream.of(typed.out().replace("\r", "").split("\n"))
                .filter(l -> l.startsWith("before=") || l.startsWith("after=")).map(l -> l.substring(l.indexOf('=') + 1)).toList();
        assertThat(settings).hasSize(2);
        assertThat(settings.get(1)).isEqualTo(settings.get(0)).contains(":");
        // a resized host window resizes the guest's terminal (SIGWINCH); the helper resizes every second, as the
        // first may come before shed listens
        Run resized = onTerminal("", "stty rows 33 cols 101; t=$(tty); (for c in 1 2 3 4 5 6 7 8 9 10; do sleep 1; "
                + "stty -F $t rows 50 cols $((119 + c)); done) & " + shedLine("exec", "-t", "dev", "--", "sh", "-c",
                "i=0; while [ \"$(stty size)\" = '33 101' ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done; echo size=$(stty size)"));
        assertThat(resized.out()).as(resized.err()).containsPattern("size=50 12\\d\r");
        // shed killed mid-call: the session is hung up, so the next call does not wait for its command
        Path log = tmp.resolve("killed.out");
        Process killed = new ProcessBuilder(Shed.command(root, "exec", "-t", "dev", "--", "sh", "-c", "echo started; sleep 1000"))
                .redirectOutput(log.toFile()).redirectErrorStream(true).start();
        for (int i = 0; i < 600 && !Files.readString(log).contains("started"); i++) Thread.sleep(100);
        assertThat(Files.readString(log)).contains("started");
        killed.destroyForcibly().waitFor();
        assertThat(shed(null, "exec", "-u", "root", "dev", "--", "busybox", "ps", "-o", "args").out()).doesNotContain("sleep 1000");
        Run noTerminal = shed(new byte[0], "exec", "-it", "dev", "--", "sh");
        assertThat(noTerminal.exit()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("not a TTY");

        // User: the image config's, by name; -u by name:group, uid, uid:gid (no passwd entry), root
        assertThat(shed(null, "exec", "dev", "--", "id").out()).isEqualTo("uid=1000(alice) gid=1000(alice) groups=10(wheel),1000(alice)\n");
        assertThat(shed(null, "exec", "dev", "--", "sh", "-c", "echo $HOME").out()).isEqualTo("/home/alice\n");
        assertThat(shed(null, "exec", "-e", "HOME=/elsewhere", "dev", "--", "sh", "-c", "echo $HOME").out()).isEqualTo("/elsewhere\n");
        assertThat(shed(null, "exec", "-u", "bob:wheel", "dev", "--", "id").out()).isEqualTo("uid=1001(bob) gid=10(wheel) groups=10(wheel),29(audio)\n");
        assertThat(shed(null, "exec", "-u", "1001", "dev", "--", "id").out())
                .isEqualTo("uid=1001(bob) gid=100(users) groups=10(wheel),29(audio),100(users)\n");
        assertThat(shed(null, "exec", "-u", "1234:5", "dev", "--", "sh", "-c", "id; echo $HOME").out()).isEqualTo("uid=1234 gid=5\n/\n");
        assertThat(shed(null, "exec", "--user", "root", "dev", "--", "sh", "-c", "id; echo $HOME").out())
                .isEqualTo("uid=0(root) gid=0(root) groups=0(root)\n/root\n");
        Run unknown = shed(null, "exec", "-u", "nobody", "dev", "--", "id");
        assertThat(unknown.exit()).isEqualTo(126);
        assertThat(unknown.err()).contains("nobody", "/etc/passwd", "shed dev", "bb");
        Run badGroup = shed(null, "exec", "-u", "bob:nogroup", "dev", "--", "id");
        assertThat(badGroup.exit()).isEqualTo(126);
        assertThat(badGroup.err()).contains("nogroup", "/etc/group");

        assertThat(shed(null, "exec", "dev", "--", "ls").out()).isEqualTo("image-ls\n");
    }
}
