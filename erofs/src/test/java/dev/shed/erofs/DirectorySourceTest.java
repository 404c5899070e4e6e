package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.shed.erofs.source.DirectorySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real host directory into an image and back out through the kernel. */
class DirectorySourceTest {
    /** A walk that opens a FIFO blocks until a writer comes; a build must never take this long. */
    private static final Duration NO_HANG = Duration.ofSeconds(60);

    @Test
    void realDirectoryRoundTripsThroughTheKernel(@TempDir Path tmp) throws Exception {
        Path src = plainTree(tmp.resolve("src"));
        Path img = tmp.resolve("tree.erofs");
        build(src, img, ErofsOptions.builder().compression(Compression.LZ4HC).build());
        ErofsReaders.fsckExtract(img, tmp.resolve("out"));
        try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
            assertSameTree(src, m.dir);
        }
    }

    /**
     * Issue 11: the walk opened every non-directory to list its user xattrs (a FIFO blocked it forever) and saw only
     * the user namespace. Oracles: getfattr on the source against getfattr on the kernel's mount of the image (every
     * name, exact bytes, symlinks' own), the kernel's stat of each node, mkfs.erofs's image of the same tree (it
     * keeps every namespace: the listing must match it too) and fsck.erofs --extract.
     */
    @Test
    void specialFilesAndEveryXattrNamespaceReachTheKernelMount(@TempDir Path tmp) throws Exception {
        ErofsReaders.requireMount();
        Path src = SpecialTree.make(tmp.resolve("src"));
        Map<String, Map<String, String>> want = hex(ErofsReaders.xattrs(src));
        assertThat(want.get("bin/ping")).containsEntry("security.capability", SpecialTree.CAPABILITY)
                .containsEntry("trusted.x", "00ff").containsEntry("user.bin", "ff00fe80");
        assertThat(want.get("link")).containsEntry("trusted.sym", "beef");

        Path img = tmp.resolve("special.erofs");
        build(src, img, ErofsOptions.defaults());
        try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
            assertThat(hex(ErofsReaders.xattrs(m.dir))).isEqualTo(want);
            assertSameTree(src, m.dir);
        }
        Path extracted = ErofsReaders.fsckExtract(img, tmp.resolve("out"));
        assertThat(Files.readAttributes(extracted.resolve("null"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS))
                .isEqualTo(Files.readAttributes(src.resolve("null"), "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS));

        String mkfs = Files.isExecutable(Path.of("/opt/erofs-utils-1.9/bin/mkfs.erofs"))
                ? "/opt/erofs-utils-1.9/bin/mkfs.erofs" : "mkfs.erofs";
        Path reference = tmp.resolve("mkfs.erofs");
        assertThat(ErofsReaders.run(List.of(mkfs, "--quiet", reference.toString(), src.toString())).exit()).isZero();
        try (ErofsReaders.Mount m = ErofsReaders.mount(reference, tmp.resolve("mnt-mkfs"))) {
            assertThat(hex(ErofsReaders.xattrs(m.dir))).as("mkfs.erofs's image of the same tree").isEqualTo(want);
        }
    }

    /** No root needed: a FIFO and a socket are described, never opened (the build used to block on the FIFO). */
    @Test
    void fifoAndSocketAreNeverOpened(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("a"), "a");
        assertThat(ErofsReaders.run(List.of("mkfifo", src.resolve("pipe").toString())).exit()).isZero();
        SpecialTree.socket(src.resolve("sock"));
        Path img = tmp.resolve("fifo.erofs");
        build(src, img, ErofsOptions.defaults());
        Path out = ErofsReaders.fsckExtract(img, tmp.resolve("out"));
        assertThat(Files.readAttributes(out.resolve("pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"))
                .isEqualTo(Files.readAttributes(src.resolve("pipe"), "unix:mode", LinkOption.NOFOLLOW_LINKS).get("mode"));
        assertThat(Files.readString(out.resolve("a"))).isEqualTo("a");
    }

    @Test
    void missingDirectoryIsAnErrorNamingIt(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("no-such-dir");
        try (ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults())) {
            assertThatThrownBy(() -> new DirectorySource(missing).writeTo(w))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("no-such-dir");
        }
    }

    @Test
    void nonAsciiNamesRoundTripAndInvalidUtf8IsRefusedByName(@TempDir Path tmp) throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(src.resolve("caf\u00e9.txt"), "x");
        Path img = tmp.resolve("names.erofs");
        try (ErofsWriter w = ErofsWriter.create(img, ErofsOptions.defaults())) {
            new DirectorySource(src).writeTo(w);
        }
        Path out = tmp.resolve("out");
        ErofsReaders.fsckExtract(img, out);
        assertThat(Files.readString(out.resolve("caf\u00e9.txt"))).isEqualTo("x");

        // a name with a byte that is not UTF-8: made by the shell, since Java cannot name it
        Process p = new ProcessBuilder("sh", "-c", "touch \"$(printf 'bad\\377')\"").directory(src.toFile()).start();
        assertThat(p.waitFor()).isZero();
        try (ErofsWriter w = ErofsWriter.create(tmp.resolve("bad.erofs"), ErofsOptions.defaults())) {
            assertThatThrownBy(() -> new DirectorySource(src).writeTo(w))
                    .isInstanceOf(java.io.IOException.class).hasMessageContaining("not valid UTF-8").hasMessageContaining(src.toString());
        }
    }

    /** A writer that fails midway stops the read-ahead walk: no thread is left behind. */
    @Test
    void writerFailureStopsTheWalk(@TempDir Path tmp) throws Exception {
        Path src = plainTree(tmp.resolve("src"));
        ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults());
        w.close();   // every add() now throws
        assertThatThrownBy(() -> new DirectorySource(src).writeTo(w)).isInstanceOf(IllegalStateException.class);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("erofs-walk"));
    }

    private static void build(Path src, Path img, ErofsOptions options) {
        assertTimeoutPreemptively(NO_HANG, () -> {
            try (ErofsWriter w = ErofsWriter.create(img, options)) {
                new DirectorySource(src).writeTo(w);
            }
        }, "building from " + src);
    }

    /**
     * A tree made here (never the host's live /usr/share, which changes while tests run): nested directories,
     * a few hundred small files (the read-ahead path), files over 1 MiB (streamed), empty files, odd modes,
     * symlinks, hardlinks and a non-ASCII name.
     */
    static Path plainTree(Path root) throws IOException {
        Random r = new Random(11);
        for (int d = 0; d < 8; d++) {
            Path dir = Files.createDirectories(root.resolve("dir" + d + "/sub" + (d % 3)));
            for (int f = 0; f < 40; f++) {
                byte[] data = new byte[r.nextInt(6000)];
                r.nextBytes(data);
                Files.write(dir.resolve("f" + f + (f % 5 == 0 ? ".txt" : ".bin")), data);
            }
        }
        byte[] big = new byte[(3 << 20) / 2];
        r.nextBytes(big);
        Files.write(root.resolve("dir0/big"), big);
        Files.write(root.resolve("dir1/big-text"), "shed erofs big text\n".repeat(100_000).getBytes(StandardCharsets.UTF_8));
        Files.write(root.resolve("empty"), new byte[0]);
        Files.writeString(root.resolve("caf\u00e9"), "caf\u00e9\n");
        Path tool = Files.writeString(root.resolve("dir2/tool"), "#!/bin/sh\n");
        Files.setAttribute(tool, "unix:mode", 04751);
        Files.setAttribute(Files.createDirectories(root.resolve("sticky")), "unix:mode", 01777);
        Files.createSymbolicLink(root.resolve("dir3/to-tool"), Path.of("../dir2/tool"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nowhere/at/all"));
        Files.createLink(root.resolve("dir4/tool-again"), tool);
        Files.setLastModifiedTime(root.resolve("empty"), FileTime.fromMillis(1_234_567_890_123L));
        return root;
    }

    private static Map<String, Map<String, String>> hex(Map<String, Map<String, byte[]>> xattrs) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        xattrs.forEach((path, m) -> {
            Map<String, String> h = new TreeMap<>();
            m.forEach((k, v) -> h.put(k, HexFormat.of().formatHex(v)));
            out.put(path, h);
        });
        return out;
    }

    static void assertSameTree(Path expected, Path actual) throws Exception {
        assertThat(TreeSpec.listPaths(actual)).isEqualTo(TreeSpec.listPaths(expected));
        for (String rel : TreeSpec.listPaths(expected)) {
            Path e = rel.isEmpty() ? expected : expected.resolve(rel);
            Path a = rel.isEmpty() ? actual : actual.resolve(rel);
            Map<String, Object> ea = new java.util.HashMap<>(Files.readAttributes(e, "unix:mode,uid,gid,lastModifiedTime,size,rdev", LinkOption.NOFOLLOW_LINKS));
            Map<String, Object> aa = new java.util.HashMap<>(Files.readAttributes(a, "unix:mode,uid,gid,lastModifiedTime,size,rdev", LinkOption.NOFOLLOW_LINKS));
            if (rel.isEmpty()) { ea.remove("size"); aa.remove("size"); }
            if (Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) { ea.remove("size"); aa.remove("size"); }
            assertThat(aa).as("attributes of %s", rel).isEqualTo(ea);
            if (Files.isSymbolicLink(e)) {
                assertThat(Files.readSymbolicLink(a)).isEqualTo(Files.readSymbolicLink(e));
            } else if (Files.isRegularFile(e, LinkOption.NOFOLLOW_LINKS)) {
                try (InputStream x = Files.newInputStream(e); InputStream y = Files.newInputStream(a)) {
                    assertThat(Content.sha256(y)).as("content of %s", rel).isEqualTo(Content.sha256(x));
                }
            }
        }
    }
}
