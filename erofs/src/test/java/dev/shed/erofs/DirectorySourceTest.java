package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.erofs.source.DirectorySource;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real host directory into an image and back out through the kernel. */
class DirectorySourceTest {
    @Test
    void realDirectoryRoundTripsThroughTheKernel(@TempDir Path tmp) throws Exception {
        Path src = Files.isDirectory(Path.of("/usr/share/doc")) ? Path.of("/usr/share/doc") : Path.of("/etc");
        Path img = tmp.resolve("doc.erofs");
        try (ErofsWriter w = ErofsWriter.create(img, ErofsOptions.builder().compression(Compression.LZ4HC).build())) {
            new DirectorySource(src).writeTo(w);
        }
        ErofsReaders.fsckExtract(img, tmp.resolve("out"));
        try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
            assertSameTree(src, m.dir);
        }
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
        Path src = Files.isDirectory(Path.of("/usr/share/doc")) ? Path.of("/usr/share/doc") : Path.of("/etc");
        ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults());
        w.close();   // every add() now throws
        assertThatThrownBy(() -> new DirectorySource(src).writeTo(w)).isInstanceOf(IllegalStateException.class);
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("erofs-walk"));
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
