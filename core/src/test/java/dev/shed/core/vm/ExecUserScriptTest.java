package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest's exec line and {@code exec-user.sh} run on the host, without a VM: the exact line {@link ExecRequest}
 * builds, by the host's static busybox (the initrd's), in a chroot of a small image root, with /proc mounted there
 * in a mount and pid namespace of its own (so /proc/1/root is the host's root, as the init's is the initrd). Fast
 * enough for the edge cases of the user and PATH lookups; ExecStdinTtyUserTest runs the same script in a guest.
 */
class ExecUserScriptTest {
    static final String PASSWD = """
            root:x:0:0:root:/root:/bin/sh
            alicex:x:1002:1002::/home/alicex:/bin/sh
            alice:x:1000:1000:Alice:/home/alice:/bin/sh
            bob:x:1001:100::/home/bob:/bin/sh""";  // no newline after the last entry
    static final String GROUP = """
            root:x:0:
            users:x:100:
            alice:x:1000:
            wheel:x:10:alice,bob
            audio:x:29:bob
            """;

    @TempDir
    Path root;

    record Run(int exit, String out, String err) {}

    @BeforeEach
    void image() throws Exception {
        Integration.requireRoot();
        Integration.requireTool("unshare");
        Path busybox = Path.of("/bin/busybox");
        assumeTrue(Files.isExecutable(busybox) || Integration.required(), "no /bin/busybox (busybox-static)");
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x")); // the image's /, users walk it
        for (String d : List.of("bin", "etc", "proc", "dev", "w", "w/sub", "d/id", "home/alice")) Files.createDirectories(root.resolve(d));
        Files.copy(busybox, root.resolve("bin/busybox"));
        for (String applet : List.of("sh", "id", "env")) Files.createSymbolicLink(root.resolve("bin/" + applet), Path.of("busybox"));
        Files.writeString(root.resolve("etc/passwd"), PASSWD);
        Files.writeString(root.resolve("etc/group"), GROUP);
        // the image's own ls (busybox has an applet of that name), a command in the working directory, a file that
        // cannot be run
        script("bin/ls", "echo image-ls \"$@\"", "rwxr-xr-x");
        script("w/here", "echo here", "rwxr-xr-x");
        script("w/plain", "echo plain", "rw-r--r--");
    }

    void script(String path, String body, String mode) throws Exception {
        Path f = Files.writeString(root.resolve(path), "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    }

    Run exec(String user, String workdir, String path, String... command) throws Exception {
        ExecRequest request = new ExecRequest(List.of(command), Map.of("PATH", path), workdir, user, "shed t (image bb)", null);
        Processes.Result r = Processes.run(null, List.of("unshare", "--mount", "--pid", "--fork", "sh", "-c",
                "mount -t proc proc \"$0/proc\" && mount --bind /dev \"$0/dev\" && /bin/busybox sh -c \"$1\"",
                root.toString(), request.script(root.toString())));
        return new Run(r.exitCode(), r.stdout(), r.stderr());
    }

    @Test
    void usersAsDockerResolvesThem() throws Exception {
        assertThat(exec("", "/", "/bin", "id")).isEqualTo(new Run(0, "uid=0(root) gid=0(root) groups=0(root)\n", ""));
        // exactly the request's environment, plus HOME from the entry
        assertThat(exec("", "/", "/bin", "env").out()).isEqualTo("PATH=/bin\nHOME=/root\n");
        assertThat(exec("alice", "/", "/bin", "env").out()).isEqualTo("PATH=/bin\nHOME=/home/alice\n");
        // a name matches whole: not alicex (before it in /etc/passwd), and not a prefix
        assertThat(exec("alice", "/", "/bin", "id").out()).isEqualTo("uid=1000(alice) gid=1000(alice) groups=10(wheel),1000(alice)\n");
        Run prefix = exec("ali", "/", "/bin", "id");
        assertThat(prefix.exit()).isEqualTo(126);
        assertThat(prefix.err()).isEqualTo("shed exec: unable to find user ali: no matching entry in /etc/passwd of shed t (image bb)\n");
        // the last entry has no newline; a uid is a number (leading zeros too, as docker parses it)
        assertThat(exec("bob:wheel", "/", "/bin", "id").out()).isEqualTo("uid=1001(bob) gid=10(wheel) groups=10(wheel),29(audio)\n");
        assertThat(exec("01001", "/", "/bin", "id").out()).isEqualTo("uid=1001(bob) gid=100(users) groups=10(wheel),29(audio),100(users)\n");
        assertThat(exec("1234:5", "/", "/bin", "sh", "-c", "id; echo $HOME").out()).isEqualTo("uid=1234 gid=5\n/\n");
        Run group = exec("bob:wheels", "/", "/bin", "id");
        assertThat(group.exit()).isEqualTo(126);
        assertThat(group.err()).isEqualTo("shed exec: unable to find group wheels: no matching entry in /etc/group of shed t (image bb)\n");
    }

    @Test
    void commandsAlongThePathAsWhichFindsThem() throws Exception {
        // the image's ls, not busybox's applet, as root and as a user
        assertThat(exec("", "/", "/bin", "ls", "-l").out()).isEqualTo("image-ls -l\n");
        assertThat(exec("alice", "/", "/bin", "ls").out()).isEqualTo("image-ls\n");
        // a directory named like the command earlier in PATH is passed over; a trailing slash is fine
        assertThat(exec("", "/", "/d:/bin/", "id").out()).startsWith("uid=0(root)");
        // an empty element is the working directory: leading, inner, trailing, or the whole PATH
        for (String path : List.of(":/bin", "/d::/bin", "/bin:", "")) {
            assertThat(exec("", "/w", path, "here").out()).as("PATH=%s", path).isEqualTo("here\n");
        }
        Run missing = exec("", "/w", "/bin", "here");
        assertThat(missing.exit()).isEqualTo(127);
        assertThat(missing.err()).isEqualTo("shed exec: here: executable file not found in PATH (/bin)\n");
        assertThat(exec("", "/w/sub", "/bin", "../here").out()).isEqualTo("here\n");
        // not executable: along PATH it is not there (127); named by path it cannot run (126); a directory neither
        assertThat(exec("", "/w", "/w", "plain").exit()).isEqualTo(127);
        Run plain = exec("", "/w", "/bin", "./plain");
        assertThat(plain.exit()).isEqualTo(126);
        assertThat(plain.err()).isEqualTo("shed exec: ./plain: permission denied\n");
        assertThat(exec("", "/", "/bin", "/d/id").exit()).isEqualTo(126);
        // the command's own exit code and arguments byte for byte
        Run own = exec("", "/", "/bin", "sh", "-c", "printf '%s|' \"$@\"; exit 7", "x", "a b", "it's", "");
        assertThat(own).isEqualTo(new Run(7, "a b|it's||", ""));
    }
}
