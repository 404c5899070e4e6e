package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.SpecialTrees;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, through the commands a user types: a directory holding a FIFO, devices, a socket and xattrs of every
 * namespace (binary security.capability, trusted.*, security.selinux, user.bin=0xff00fe80, an empty value, a
 * symlink's own trusted xattr) goes through {@code shed erofs build DIR}, and through {@code shed image import DIR}
 * then {@code materialize} and {@code export}. The oracles are getfattr and stat on the source against the kernel's
 * mount of each image and GNU tar's extraction of the exported tar.
 */
class DirectoryXattrsEndToEndTest {
    private static final List<String> NODES = List.of("null", "loop9", "tty", "p", "link", "bin/ping");

    @TempDir
    Path tmp;

    @Test
    void erofsBuildImportMaterializeAndExportKeepEveryXattrAndNode() throws Exception {
        Path src = SpecialTrees.make(tmp.resolve("src"));
        Map<String, Map<String, String>> want = SpecialTrees.xattrs(src);
        Path root = tmp.resolve("root");

        Path built = tmp.resolve("built.erofs");
        Result build = shedWithin(root, "erofs", "build", src.toString(), built.toString());
        assertThat(build.exit()).as(build.err()).isZero();
        mounted(built, "mnt-built", mnt -> {
            assertThat(SpecialTrees.xattrs(mnt)).as("shed erofs build, kernel mount").isEqualTo(want);
            assertSameNodes(src, mnt, true);
        });

        Result imported = shedWithin(root, "image", "import", src.toString(), "--tag", "special");
        assertThat(imported.exit()).as(imported.err()).isZero();
        Result materialized = Shed.run(root, "image", "materialize", "--quiet", "special");
        assertThat(materialized.exit()).as(materialized.err()).isZero();
        mounted(Path.of(materialized.out().strip()), "mnt-lower", mnt -> {
            assertThat(SpecialTrees.xattrs(mnt)).as("import, materialize, kernel mount").isEqualTo(want);
            assertSameNodes(src, mnt, false);
        });

        Path tar = tmp.resolve("export.tar");
        Result exported = Shed.run(root, "image", "export", "special", "-o", tar.toString());
        assertThat(exported.exit()).as(exported.err()).isZero();
        Path extracted = Files.createDirectories(tmp.resolve("gnu-tar"));
        Processes.check(extracted, "tar", "--xattrs", "--xattrs-include=*", "-xpf", tar.toString());
        assertThat(SpecialTrees.xattrs(extracted)).as("import, export, GNU tar extraction").isEqualTo(want);
        assertSameNodes(src, extracted, false);
    }

    /**
     * Where JNA cannot unpack its native stub (here: jna.tmpdir under a regular file; in life a read-only home and a
     * noexec or full /tmp), a directory build fails with one line saying what to set, not a stack trace.
     */
    @Test
    void unloadableNativeLibraryIsAOneLineErrorSayingWhatToSet() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("f"), "f");
        Path notADir = Files.writeString(tmp.resolve("file"), "");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Djna.tmpdir=" + notADir.resolve("jna"), "-cp", Shed.classPath(), "dev.shed.cli.Main",
                "--root", tmp.resolve("root").toString(), "erofs", "build", src.toString(), tmp.resolve("o.erofs").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isEqualTo(1);
        assertThat(out.lines().toList()).as(out).hasSize(1);
        assertThat(out).startsWith("shed: error: cannot load JNA's native library").contains("-Djna.tmpdir");
        assertThat(tmp.resolve("o.erofs")).doesNotExist();
    }

    /** A build that opens the FIFO never returns: fail instead of hanging the suite. */
    private static Result shedWithin(Path root, String... args) {
        return assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Shed.run(root, args), String.join(" ", args));
    }

    private static void assertSameNodes(Path src, Path copy, boolean withSocket) throws Exception {
        for (String n : NODES) {
            assertThat(SpecialTrees.node(copy.resolve(n))).as(n).isEqualTo(SpecialTrees.node(src.resolve(n)));
        }
        if (withSocket) assertThat(SpecialTrees.node(copy.resolve("sock"))).isEqualTo(SpecialTrees.node(src.resolve("sock")));
        else assertThat(copy.resolve("sock")).as("tar cannot hold a socket").doesNotExist();
    }

    private interface OnMount {
        void accept(Path mnt) throws Exception;
    }

    private void mounted(Path image, String name, OnMount body) throws Exception {
        Path mnt = Files.createDirectories(tmp.resolve(name));
        Processes.check(null, "mount", "-t", "erofs", "-o", "loop,ro", image.toString(), mnt.toString());
        try {
            body.accept(mnt);
        } finally {
            Processes.check(null, "umount", mnt.toString());
        }
    }
}
