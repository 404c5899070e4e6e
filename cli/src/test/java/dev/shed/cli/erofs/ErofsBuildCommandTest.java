package dev.shed.cli.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code shed erofs build}: tar and directory sources, checked with fsck.erofs and the kernel. */
class ErofsBuildCommandTest {
    @TempDir
    Path tmp;

    private byte[] sampleTar() {
        byte[] big = new byte[300_000];
        new Random(7).nextBytes(big);
        for (int i = 0; i < big.length; i += 2) big[i] = 'a';
        return new TarLayerBuilder()
                .dir("etc")
                .file("etc/hostname", "shed\n")
                .file("usr/bin/tool", big, 04755)
                .symlink("usr/bin/link", "/usr/bin/tool")
                .hardlink("usr/bin/tool2", "usr/bin/tool")
                .file("etc/.wh.kept", "a plain tar keeps whiteout names as files\n")
                .file("data/owned", "x".getBytes(StandardCharsets.UTF_8), 0600, e -> {
                    e.setUserId(70000);
                    e.setGroupId(70001);
                    e.addPaxHeader("SCHILY.xattr.user.note", "hello");
                })
                .tar();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "lz4", "lz4hc,12"})
    void tarSourcePassesFsckAndKeepsContent(String compression) throws Exception {
        Integration.requireTool("fsck.erofs");
        Path tar = tmp.resolve("in.tar.gz");
        Files.write(tar, TarLayerBuilder.gzip(sampleTar()));
        Path img = tmp.resolve("out.erofs");
        Shed.Result r = Shed.run(tmp.resolve("unused-root"), "erofs", "build", tar.toString(), img.toString(), "-z", compression);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("inodes");

        Path extracted = tmp.resolve("x");
        Processes.check(null, "fsck.erofs", "--extract=" + extracted, img.toString());
        assertThat(Files.readString(extracted.resolve("etc/hostname"))).isEqualTo("shed\n");
        assertThat(Files.exists(extracted.resolve("etc/.wh.kept"))).isTrue();
        assertThat(Files.readAllBytes(extracted.resolve("usr/bin/tool"))).hasSize(300_000);
        assertThat(Files.readSymbolicLink(extracted.resolve("usr/bin/link")).toString()).isEqualTo("/usr/bin/tool");
    }

    @Test
    void kernelMountShowsOwnersModesLinksAndXattrs() throws Exception {
        Integration.requireRoot();
        Integration.requireTool("getfattr");
        Path tar = tmp.resolve("in.tar");
        Files.write(tar, sampleTar());
        Path img = tmp.resolve("out.erofs");
        assertThat(Shed.run(tmp.resolve("r"), "erofs", "build", tar.toString(), img.toString()).exit()).isZero();
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Processes.check(null, "mount", "-t", "erofs", "-o", "loop,ro", img.toString(), mnt.toString());
        try {
            Path tool = mnt.resolve("usr/bin/tool");
            assertThat(Files.getAttribute(tool, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0104755);
            assertThat(Files.getAttribute(tool, "unix:ino")).isEqualTo(Files.getAttribute(mnt.resolve("usr/bin/tool2"), "unix:ino"));
            assertThat(Files.getAttribute(tool, "unix:nlink")).isEqualTo(2);
            Path owned = mnt.resolve("data/owned");
            assertThat(Files.getAttribute(owned, "unix:uid")).isEqualTo(70000);
            assertThat(Files.getAttribute(owned, "unix:gid")).isEqualTo(70001);
            assertThat(Processes.check(null, "getfattr", "-n", "user.note", "--only-values", owned.toString())).isEqualTo("hello");
        } finally {
            Processes.check(null, "umount", mnt.toString());
        }
    }

    @Test
    void directorySourceIsDeterministic() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/a/b"));
        Files.writeString(src.resolve("f.txt"), "content ".repeat(2000));
        Files.createSymbolicLink(tmp.resolve("src/a/l"), Path.of("b/f.txt"));
        Path one = tmp.resolve("1.erofs");
        Path two = tmp.resolve("2.erofs");
        assertThat(Shed.run(tmp.resolve("r"), "erofs", "build", tmp.resolve("src").toString(), one.toString(), "-z", "lz4").exit()).isZero();
        assertThat(Shed.run(tmp.resolve("r"), "erofs", "build", tmp.resolve("src").toString(), two.toString(), "-z", "lz4", "--threads", "1").exit()).isZero();
        assertThat(Files.readAllBytes(one)).isEqualTo(Files.readAllBytes(two));
        assertThat(Files.list(tmp).filter(p -> p.getFileName().toString().endsWith(".tmp")).count()).isZero();
    }

    @Test
    void badArgumentsGiveOneLineErrors() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Shed.Result bad = Shed.run(tmp.resolve("r"), "erofs", "build", src.toString(), tmp.resolve("o").toString(), "-z", "lz4,3");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.errLines()).hasSize(1).first().asString().contains("only lz4hc takes a level");
        Shed.Result missing = Shed.run(tmp.resolve("r"), "erofs", "build", tmp.resolve("nope").toString(), tmp.resolve("o").toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.errLines()).hasSize(1).first().asString().contains("nope");
        Path notTar = tmp.resolve("junk.tar");
        Files.writeString(notTar, "this is not a tar archive at all, just some text that is long enough ".repeat(20));
        Shed.Result junk = Shed.run(tmp.resolve("r"), "erofs", "build", notTar.toString(), tmp.resolve("o").toString());
        assertThat(junk.exit()).isNotZero();
        assertThat(junk.errLines()).hasSize(1);
        assertThat(Files.exists(tmp.resolve("o"))).isFalse();
    }
}
