package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
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
        byte[] expected = Files.readAllBytes(first);
        Random r = new Random(7);
        for (int i = 0; i < 2; i++) {
            Path other = tmp.resolve("b" + i + ".erofs");
            ErofsImageStats s = t.writeShuffled(other, ErofsOptions.builder().compression(compression)
                    .buildTime(t.buildTime).threads(1 + i % 2).build(), r);
            assertThat(Files.readAllBytes(other)).as("image from shuffled order %d", i).isEqualTo(expected);
            assertThat(s).isEqualTo(stats);
        }
        assertThat(stats.uuid()).isNotEqualTo("00000000-0000-0000-0000-000000000000");
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
}
