package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A directory tree of what real root filesystems hold and java.nio cannot read or must not open, made with the
 * system's own tools (mkfifo, mknod, setfattr). Needs root (devices, trusted.* and security.* names). Shared with
 * core and cli tests through this module's test-jar.
 */
public final class SpecialTree {
    /** cap_net_raw+p as setcap writes it (VFS_CAP_REVISION_2): binary, with NUL bytes; hex without 0x. */
    public static final String CAPABILITY = "0100000200200000000000000000000000000000";
    /** posix_acl_xattr v2: user::rw- user:1000:rwx group::r-- mask::rwx other::r-- */
    private static final String ACL_ACCESS = "02000000" + "01000600ffffffff" + "02000700e8030000" + "04000400ffffffff"
            + "10000700ffffffff" + "20000400ffffffff";
    /** default: user::rwx user:1000:rwx group::r-x mask::rwx other::r-x */
    private static final String ACL_DEFAULT = "02000000" + "01000700ffffffff" + "02000700e8030000" + "04000500ffffffff"
            + "10000700ffffffff" + "20000500ffffffff";

    private SpecialTree() {}

    /**
     * A FIFO, char and block devices (one with a minor above 255), a unix socket, a file with
     * security.capability, security.selinux, trusted.x and user.bin=0xff00fe80 plus its hardlink, a symlink with a
     * trusted xattr of its own (not its target's), xattrs on the FIFO, a device, a directory and the root, an empty
     * value, a file over 1 MiB (streamed, not read ahead) with a 300-byte value, and POSIX ACLs (access and default).
     */
    public static Path make(Path root) throws IOException {
        ErofsReaders.requireGetfattr();
        Path ping = root.resolve("bin/ping");
        Files.createDirectories(ping.getParent());
        Files.writeString(ping, "ping");
        Files.createLink(root.resolve("bin/ping2"), ping);
        Files.createDirectories(root.resolve("d"));
        Files.write(root.resolve("big"), new byte[(3 << 20) / 2]);
        Files.createSymbolicLink(root.resolve("link"), Path.of("bin/ping"));
        String script = "mkfifo p && mknod null c 1 3 && mknod loop9 b 7 259 && mknod tty c 136 1048575"
                + " && setfattr -n security.capability -v 0x" + CAPABILITY + " bin/ping"
                + " && setfattr -n security.selinux -v 0x73797374656d5f753a6f626a6563745f723a62696e5f743a733000 bin/ping"
                + " && setfattr -n trusted.x -v 0x00ff bin/ping && setfattr -n user.bin -v 0xff00fe80 bin/ping"
                + " && setfattr -h -n trusted.sym -v 0xbeef link && setfattr -n trusted.fifo -v 0x0102 p"
                + " && setfattr -n trusted.dev -v 0xaa null && setfattr -n trusted.dir -v 0x01 d"
                + " && setfattr -n user.empty d && setfattr -n user.big -v 0x" + "5a".repeat(300) + " big"
                + " && setfattr -n trusted.root -v 0x00 . && echo acl > acl"
                // POSIX ACLs as the kernel stores them (setfacl's bytes): user 1000 rwx on a file, a default ACL on d
                + " && setfattr -n system.posix_acl_access -v 0x" + ACL_ACCESS + " acl"
                + " && setfattr -n system.posix_acl_default -v 0x" + ACL_DEFAULT + " d";
        ErofsReaders.Result r = ErofsReaders.run(List.of("sh", "-c", "cd '" + root + "' && " + script));
        assertThat(r.exit()).as("%s\n%s", script, r.output()).isZero();
        socket(root.resolve("sock"));
        return root;
    }

    /** A unix socket file, left behind after its channel closes. */
    public static void socket(Path p) throws IOException {
        try (ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(p));
        }
    }
}
