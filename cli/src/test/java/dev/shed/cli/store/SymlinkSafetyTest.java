package dev.shed.cli.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 6: a symlink planted where the store keeps its own directories or files must never be followed.
 * Each test points one at a directory outside the store holding sentinel files (old enough for prune to count them
 * stale) and runs the commands that would delete, write or touch there. The sentinels' survival and mtimes are read
 * with find(1), not with the code under test; errors and reports must name the planted path.
 */
class SymlinkSafetyTest {
    @TempDir
    Path tmp;

    private Path root;
    private Path outside;
    private String sentinelsBefore;
    private static final Instant OLD = Instant.now().minus(3, ChronoUnit.HOURS);

    @BeforeEach
    void storeAndSentinels() throws Exception {
        root = tmp.resolve("root");
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("app", Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/a", "alpha")));
        Result build = Shed.run(root, "image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(build.exit()).as(build.err()).isZero();

        outside = tmp.resolve("outside");
        Files.createDirectories(outside.resolve("subdir"));
        Files.writeString(outside.resolve("precious.txt"), "keep me");
        Files.writeString(outside.resolve("subdir/deep.txt"), "keep me too");
        for (Path p : List.of(outside.resolve("subdir/deep.txt"), outside.resolve("subdir"), outside.resolve("precious.txt"), outside)) {
            Files.setLastModifiedTime(p, FileTime.from(OLD));
        }
        sentinelsBefore = sentinels();
    }

    /** Every path under {@code outside} with its type, size and mtime, as find(1) prints them. */
    private String sentinels() throws Exception {
        return Processes.check(null, "find", outside.toString(), "-printf", "%P %y %s %T@\n");
    }

    private void assertSentinelsUntouched() throws Exception {
        assertThat(sentinels()).isEqualTo(sentinelsBefore).contains("precious.txt f 7").contains("subdir/deep.txt f 11");
    }

    private void plant(Path link) throws Exception {
        Files.createDirectories(link.getParent());
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) Processes.check(null, "rm", "-rf", link.toString());
        Files.createSymbolicLink(link, outside);
    }

    private void assertFailsNaming(Path link, String... command) {
        Result r = Shed.run(root, command);
        assertThat(r.exit()).as(String.join(" ", command) + ": " + r.err()).isEqualTo(1);
        assertThat(r.errLines()).as(String.join(" ", command)).hasSize(1);
        assertThat(r.err()).as(String.join(" ", command))
                .startsWith("shed: error: store path " + link + " is a symbolic link (to " + outside + ")");
    }

    private String manifestHex() {
        Result m = Shed.run(root, "image", "inspect", "app", "--format", "json");
        assertThat(m.exit()).as(m.err()).isZero();
        Result lower = Shed.run(root, "image", "materialize", "-q", "app");
        assertThat(lower.exit()).as(lower.err()).isZero();
        String name = Path.of(lower.out().strip()).getFileName().toString();
        return name.substring(0, 64);
    }

    @Test
    void aRootThatIsItselfASymlinkWorks() throws Exception {
        Path link = Files.createSymbolicLink(tmp.resolve("root-link"), root);
        for (String[] cmd : List.of(new String[] {"image", "materialize", "-q", "app"}, new String[] {"config", "set", "eviction.policy", "lru"},
                new String[] {"create", "dev", "--image", "app"}, new String[] {"image", "tag", "app", "app2"}, new String[] {"image", "prune"},
                new String[] {"image", "verify"})) {
            Result r = Shed.run(link, cmd);
            assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.err()).isZero();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
    }

    @Test
    void aSymlinkedTmpDirIsNeitherPrunedNorWrittenThrough() throws Exception {
        Path link = root.resolve("shed/tmp");
        plant(link);
        assertFailsNaming(link, "image", "prune");
        assertFailsNaming(link, "image", "prune", "--dry-run");
        assertFailsNaming(link, "image", "df");
        assertFailsNaming(link, "image", "materialize", "-q", "app");
        assertSentinelsUntouched();
        Result verify = Shed.run(root, "image", "verify");
        assertThat(verify.exit()).isNotZero();
        assertThat(verify.out() + verify.err()).contains("shed/tmp: a symbolic link (to " + outside + ")");
        assertSentinelsUntouched();
    }

    @Test
    void aSymlinkedIngestDirIsNeitherPrunedNorWrittenThrough() throws Exception {
        Path link = root.resolve("shed/ingest");
        plant(link);
        assertFailsNaming(link, "image", "prune");
        OciLayoutBuilder other = new OciLayoutBuilder(tmp.resolve("layout2"));
        other.image("other", Layer.gzip(new TarLayerBuilder().file("x", "new content")));
        assertFailsNaming(link, "image", "build", "--from-oci-archive", other.dir().toString());
        assertSentinelsUntouched();
    }

    @Test
    void aSymlinkedLocksDirIsNotWrittenThrough() throws Exception {
        Path link = root.resolve("shed/locks");
        plant(link);
        assertFailsNaming(link, "config", "set", "eviction.policy", "lru");
        assertFailsNaming(link, "image", "prune");
        assertSentinelsUntouched();
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).noneMatch(n -> n.endsWith(".lock"));
        }
    }

    @Test
    void aSymlinkedShedsDirIsNeitherPrunedNorWrittenThrough() throws Exception {
        // outside/subdir looks like the data dir of a shed "subdir" whose record is gone: an orphan prune removes
        Path link = root.resolve("shed/sheds");
        plant(link);
        assertFailsNaming(link, "image", "prune");
        assertFailsNaming(link, "create", "subdir", "--image", "app");
        assertSentinelsUntouched();
    }

    @Test
    void aSymlinkedUsageFileIsNotTouched() throws Exception {
        String hex = manifestHex();
        Path link = root.resolve("shed/usage").resolve(hex);
        Files.delete(link);
        Files.createSymbolicLink(link, outside);
        Result r = Shed.run(root, "image", "materialize", "-q", "app");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("shed: error: store path " + link + " is a symbolic link");
        assertSentinelsUntouched();
    }

    @Test
    void aSymlinkInBlobsIsReportedByVerifyAndNeverReadAsABlob() throws Exception {
        // a link to a file holding exactly the blob's bytes: verify used to count it as a checked, sound blob
        String hex = manifestHex();
        Path blob = root.resolve("blobs/sha256").resolve(hex);
        Path copy = outside.resolve("manifest-copy");
        Files.copy(blob, copy);
        Files.setLastModifiedTime(copy, FileTime.from(OLD));
        sentinelsBefore = sentinels();
        Files.delete(blob);
        Files.createSymbolicLink(blob, copy);
        // and a link to the sentinel directory under a digest no image uses
        Path stray = root.resolve("blobs/sha256").resolve("ab".repeat(32));
        Files.createSymbolicLink(stray, outside);

        Result verify = Shed.run(root, "image", "verify");
        assertThat(verify.exit()).isNotZero();
        String report = verify.out() + verify.err();
        assertThat(report).contains("blobs/sha256/" + hex + ": a symbolic link (to " + copy + "), not a blob");
        assertThat(report).contains("blobs/sha256/" + "ab".repeat(32) + ": a symbolic link (to " + outside + "), not a blob");

        Result inspect = Shed.run(root, "image", "inspect", "app");
        assertThat(inspect.exit()).as("a linked manifest is not read").isNotZero();
        Result prune = Shed.run(root, "image", "prune");
        assertThat(prune.exit()).as(prune.err()).isZero();
        assertThat(Files.exists(stray, LinkOption.NOFOLLOW_LINKS)).as("the unreferenced link itself is pruned").isFalse();
        assertSentinelsUntouched();
    }

    @Test
    void aSymlinkedLowerIsNeverServedAndPruneRemovesOnlyTheLink() throws Exception {
        String hex = manifestHex();
        Path lower = root.resolve("cache/sha256").resolve(hex + ".erofs");
        Path fake = outside.resolve("fake.erofs");
        Files.copy(lower, fake);
        Files.setLastModifiedTime(fake, FileTime.from(OLD));
        sentinelsBefore = sentinels();
        Files.delete(lower);
        Files.createSymbolicLink(lower, fake);

        Result verify = Shed.run(root, "image", "verify");
        assertThat(verify.out() + verify.err()).contains("cache/sha256/" + hex + ".erofs: a symbolic link (to " + fake + ")");
        Result again = Shed.run(root, "image", "materialize", "-q", "app");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(Files.isSymbolicLink(lower)).as("rebuilt in place of the link").isFalse();
        assertThat(Files.isRegularFile(lower, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertSentinelsUntouched();

        Path strayLink = root.resolve("cache/sha256").resolve("cd".repeat(32) + ".erofs");
        Files.createSymbolicLink(strayLink, outside);
        Result prune = Shed.run(root, "image", "prune", "--cache-only");
        assertThat(prune.exit()).as(prune.err()).isZero();
        assertThat(Files.exists(strayLink, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertSentinelsUntouched();
    }
}
