package dev.shed.core.materialize.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.Digest;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ExternalData;
import dev.shed.erofs.format.LclusterIndex;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index format on its own: what goes in comes out (names and placements decoded on demand), and a file that
 * is damaged, of another layer, key or version, or claims more entries than it holds is never taken for an index.
 */
class LayerIndexTest {
    private static final Digest LAYER = Digest.of("layer".getBytes(StandardCharsets.UTF_8));
    private static final String KEY = "0123456789ab";

    @TempDir
    Path tmp;

    private static List<LayerIndex.Entry> entries() {
        List<LayerIndex.Entry> l = new ArrayList<>();
        l.add(new LayerIndex.Entry("./", ErofsEntry.builder("", EntryType.DIRECTORY).build(), null));
        l.add(new LayerIndex.Entry("./etc/", ErofsEntry.builder("etc", EntryType.DIRECTORY).permissions(0700)
                .owner(1, 2).mtime(1_700_000_000L, 5).xattr("user.a", new byte[] {1, 2}).xattr("trusted.b", new byte[0]).build(), null));
        l.add(new LayerIndex.Entry("./etc/big", ErofsEntry.builder("etc/big", EntryType.FILE).size(10_000).build(),
                new ExternalData(0, 3, 2, new int[] {LclusterIndex.compressedExtent(8192, 1), LclusterIndex.storedExtent(1808)}, new byte[0])));
        l.add(new LayerIndex.Entry("./etc/small", ErofsEntry.builder("etc/small", EntryType.FILE).size(4100).build(),
                new ExternalData(0, 5, 1, null, "tail".getBytes(StandardCharsets.UTF_8))));
        l.add(new LayerIndex.Entry("./etc/.wh.gone", ErofsEntry.builder("etc/.wh.gone", EntryType.FILE).build(),
                new ExternalData(0, 0, 0, null, new byte[0])));
        l.add(new LayerIndex.Entry("./lnk", ErofsEntry.builder("lnk", EntryType.SYMLINK).linkTarget("etc/small").build(), null));
        l.add(new LayerIndex.Entry("./hard", ErofsEntry.builder("hard", EntryType.HARDLINK).linkTarget("etc/big").build(), null));
        l.add(new LayerIndex.Entry("./dev/null", ErofsEntry.builder("dev/null", EntryType.CHAR_DEVICE).device(1, 3).build(), null));
        return l;
    }

    private Path write(byte[] bytes) throws IOException {
        return Files.write(tmp.resolve("x.idx"), bytes);
    }

    /** Everything of an entry, xattr values by content (ErofsEntry compares byte[] values by identity). */
    private static String describe(ErofsEntry e) {
        StringBuilder b = new StringBuilder(e.path() + "|" + e.type() + "|" + e.permissions() + "|" + e.uid() + "|" + e.gid()
                + "|" + e.mtimeSeconds() + "." + e.mtimeNanos() + "|" + e.size() + "|" + e.linkTarget() + "|" + e.devMajor()
                + ":" + e.devMinor());
        e.xattrs().forEach((k, v) -> b.append('|').append(k).append('=').append(HexFormat.of().formatHex(v)));
        return b.toString();
    }

    @Test
    void entriesComeBackInOrderWithTheirNamesAndPlacementsOnTheGivenDevice() throws Exception {
        List<LayerIndex.Entry> in = entries();
        LayerIndex index = LayerIndex.read(write(LayerIndex.encode(LAYER, KEY, 7, in, in.size())), LAYER, KEY);
        assertThat(index).isNotNull();
        assertThat(index.deviceBlocks()).isEqualTo(7);
        assertThat(index.entryCount()).isEqualTo(in.size());
        LayerIndex.Cursor c = index.entries(2);
        assertThat(c.tarName()).isNull();
        for (LayerIndex.Entry want : in) {
            ErofsEntry got = c.next();
            assertThat(describe(got)).isEqualTo(describe(want.entry()));
            assertThat(c.tarName()).isEqualTo(want.tarName());
            if (want.data() != null) {
                assertThat(c.placement()).isEqualTo(want.data().onDevice(2));
            } else {
                assertThatThrownBy(c::placement).isInstanceOf(IllegalStateException.class);
            }
        }
        assertThat(c.next()).isNull();
        assertThat(c.tarName()).isNull();
    }

    @Test
    void aFileSkippedWithoutItsPlacementLeavesTheNextEntryIntact() throws Exception {
        List<LayerIndex.Entry> in = entries();
        LayerIndex.Cursor c = LayerIndex.read(write(LayerIndex.encode(LAYER, KEY, 7, in, in.size())), LAYER, KEY).entries(0);
        List<String> paths = new ArrayList<>();
        for (ErofsEntry e; (e = c.next()) != null; ) paths.add(e.path());
        assertThat(paths).containsExactlyElementsOf(in.stream().map(x -> x.entry().path()).toList());
    }

    @Test
    void anyDamagedByteOrAnotherLayerKeyOrVersionIsNotAnIndex() throws Exception {
        List<LayerIndex.Entry> in = entries();
        byte[] good = LayerIndex.encode(LAYER, KEY, 7, in, in.size());
        for (int at = 0; at < good.length; at++) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            assertThat(LayerIndex.read(write(bad), LAYER, KEY)).as("byte %d flipped", at).isNull();
        }
        assertThat(LayerIndex.read(write(java.util.Arrays.copyOf(good, good.length - 1)), LAYER, KEY)).isNull();
        assertThat(LayerIndex.read(write(good), Digest.of(new byte[1]), KEY)).isNull();
        assertThat(LayerIndex.read(write(good), LAYER, "ba9876543210")).isNull();
        assertThat(LayerIndex.read(tmp.resolve("missing.idx"), LAYER, KEY)).isNull();
        // a well-formed file of another version (its checksum made right) is not read either
        byte[] older = good.clone();
        ByteBuffer.wrap(older).putInt(8, LayerIndex.VERSION - 1);
        CRC32C crc = new CRC32C();
        crc.update(older, 0, older.length - 4);
        ByteBuffer.wrap(older).putInt(older.length - 4, (int) crc.getValue());
        assertThat(LayerIndex.read(write(older), LAYER, KEY)).isNull();
        ByteBuffer.wrap(older).putInt(8, LayerIndex.VERSION);
        crc.reset();
        crc.update(older, 0, older.length - 4);
        ByteBuffer.wrap(older).putInt(older.length - 4, (int) crc.getValue());
        assertThat(LayerIndex.read(write(older), LAYER, KEY)).as("the same bytes at the current version").isNotNull();
    }

    @Test
    void anIndexClaimingMoreEntriesThanItHoldsFailsNamingTheLayer() throws Exception {
        List<LayerIndex.Entry> in = entries();
        LayerIndex index = LayerIndex.read(write(LayerIndex.encode(LAYER, KEY, 7, in, in.size() + 1)), LAYER, KEY);
        LayerIndex.Cursor c = index.entries(0);
        for (int i = 0; i < in.size(); i++) c.next();
        assertThatThrownBy(c::next).isInstanceOf(IOException.class)
                .hasMessageContaining("index of layer " + LAYER).hasMessageContaining("malformed");
    }
}
