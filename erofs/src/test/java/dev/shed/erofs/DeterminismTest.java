package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Same entries in any order + same options → the same bytes. */
class DeterminismTest {
    /** allKinds() without its deliberately replaced path, so every order means the same set. */
    static TreeSpec uniquePaths() {
        TreeSpec all = EntryKindsTest.allKinds();
        Map<String, TreeSpec.Item> last = new LinkedHashMap<>();
        for (TreeSpec.Item it : all.items) last.put(it.entry().path(), it);
        TreeSpec t = new TreeSpec(all.buildTime);
        t.items.addAll(last.values());
        return t;
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void shuffledOrdersGiveIdenticalImages(Compression compression, @TempDir Path tmp) throws Exception {
        TreeSpec t = uniquePaths();
        ErofsOptions opts = ErofsOptions.builder().compression(compression).buildTime(t.buildTime).threads(2).build();
        Path first = tmp.resolve("a.erofs");
        ErofsImageStats stats = t.write(first, opts);
        Random r = new Random(7);
        for (int i = 0; i < 2; i++) {
            Path other = tmp.resolve("b" + i + ".erofs");
            ErofsImageStats s = t.writeShuffled(other, ErofsOptions.builder().compression(compression)
                    .buildTime(t.buildTime).threads(1 + i % 2).build(), r);
            assertSameBytes(other, first);
            assertThat(s).isEqualTo(stats);
        }
        assertThat(stats.uuid()).isNotEqualTo("00000000-0000-0000-0000-000000000000");
    }

    /** In image order the data goes straight into the image; any other order goes through the spool. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void dataWrittenInPlaceGivesTheSameImageAsSpooledData(Compression compression, @TempDir Path tmp) throws Exception {
        TreeSpec t = uniquePaths();
        ErofsOptions opts = ErofsOptions.builder().compression(compression).buildTime(t.buildTime).threads(2).build();
        Path inPlace = tmp.resolve("sorted.erofs");
        Path spooled = tmp.resolve("shuffled.erofs");
        ErofsImageStats a = t.writeInImageOrder(inPlace, opts);
        ErofsImageStats b = t.writeShuffled(spooled, opts, new Random(11));
        assertSameBytes(inPlace, spooled);
        assertThat(a).isEqualTo(b);
        ErofsReaders.fsckExtract(inPlace, tmp.resolve("out"));
    }

    @Test
    void bigPclusterImagesDoNotDependOnOrderEither(@TempDir Path tmp) throws Exception {
        TreeSpec t = uniquePaths();
        ErofsOptions opts = ErofsOptions.builder().compression(Compression.LZ4HC).pclusterSize(16384)
                .buildTime(t.buildTime).threads(2).build();
        t.writeInImageOrder(tmp.resolve("sorted.erofs"), opts);
        t.writeShuffled(tmp.resolve("shuffled.erofs"), opts, new Random(3));
        assertSameBytes(tmp.resolve("sorted.erofs"), tmp.resolve("shuffled.erofs"));
    }

    /** A file replaced after its data went into place leaves no trace: the image is that of the final entries. */
    @ParameterizedTest
    @EnumSource(Compression.class)
    void fileReplacedAfterItsDataWasInPlace(Compression compression, @TempDir Path tmp) throws Exception {
        ErofsOptions opts = ErofsOptions.builder().compression(compression).buildTime(5).threads(2).build();
        Content oldA = Content.of(300_000, 1, Content.Kind.TEXT);
        Content newA = Content.of(9_000, 2, Content.Kind.TEXT);
        Content b = Content.of(200_000, 3, Content.Kind.RANDOM);
        TreeSpec replaced = new TreeSpec(5);
        replaced.file(ErofsEntry.builder("a", EntryType.FILE).size(300_000).build(), oldA);
        replaced.file(ErofsEntry.builder("b", EntryType.FILE).size(200_000).build(), b);
        replaced.file(ErofsEntry.builder("a", EntryType.FILE).size(9_000).build(), newA);
        TreeSpec direct = new TreeSpec(5);
        direct.file(ErofsEntry.builder("a", EntryType.FILE).size(9_000).build(), newA);
        direct.file(ErofsEntry.builder("b", EntryType.FILE).size(200_000).build(), b);
        Path x = tmp.resolve("replaced.erofs");
        Path y = tmp.resolve("direct.erofs");
        replaced.write(x, opts);
        direct.write(y, opts);
        assertSameBytes(x, y);
        try (ErofsReaders.Mount m = ErofsReaders.mount(x, tmp.resolve("mnt"))) {
            replaced.verifyMounted(m.dir);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Compression.class, names = "NONE")
    void fixedUuidIsWrittenVerbatim(Compression compression, @TempDir Path tmp) throws Exception {
        byte[] uuid = new byte[16];
        for (int i = 0; i < 16; i++) uuid[i] = (byte) (i + 1);
        Path img = tmp.resolve("u.erofs");
        ErofsImageStats s = uniquePaths().write(img, ErofsOptions.builder().compression(compression).uuid(uuid).build());
        byte[] bytes = Files.readAllBytes(img);
        assertThat(java.util.Arrays.copyOfRange(bytes, 1024 + 48, 1024 + 64)).isEqualTo(uuid);
        assertThat(s.uuid()).isEqualTo("01020304-0506-0708-090a-0b0c0d0e0f10");
    }

    /** Compares two images by the first differing offset (printing megabytes of bytes helps no one). */
    static void assertSameBytes(Path actual, Path expected) throws java.io.IOException {
        byte[] a = Files.readAllBytes(actual);
        byte[] e = Files.readAllBytes(expected);
        assertThat(java.util.Arrays.mismatch(a, e)).as("first byte where %s (%d B) differs from %s (%d B)",
                actual.getFileName(), a.length, expected.getFileName(), e.length).isEqualTo(-1);
    }
}
