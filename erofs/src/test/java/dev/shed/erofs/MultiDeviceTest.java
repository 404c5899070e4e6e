package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.erofs.device.DataDeviceWriter;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-device images: file data written once to data devices, an image holding only metadata that points into
 * them through its device table. The oracle is the kernel (fsck.erofs cannot read data on extra devices): the
 * mounted tree must show every entry with its data, as the same tree written as one image does.
 */
class MultiDeviceTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @CsvSource({"NONE,4096", "LZ4,4096", "LZ4HC,4096", "LZ4HC,65536"})
    void kernelReadsEveryFileThroughTheDeviceTable(Compression compression, int pcluster) throws Exception {
        ErofsReaders.requireMount();
        TreeSpec t = EntryKindsTest.allKinds();
        ErofsOptions opts = ErofsOptions.builder().compression(compression).pclusterSize(pcluster)
                .buildTime(t.buildTime).threads(2).build();
        // Files alternate between two devices; a third device holds data no inode uses (files an upper layer hid).
        List<TreeSpec.Item> files = t.items.stream().filter(i -> i.content() != null).toList();
        List<List<ExternalData>> placed = new ArrayList<>();
        List<Path> devices = new ArrayList<>();
        List<Long> blocks = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            Path dev = tmp.resolve("dev" + d);
            DataDeviceWriter w = DataDeviceWriter.create(dev, opts);
            try (w) {
                if (d == 2) w.add(ErofsEntry.builder("hidden", EntryType.FILE).size(1 << 20).build(),
                        Content.of(1 << 20, 5, Content.Kind.TEXT).open());
                for (int i = 0; i < files.size(); i++) {
                    if (i % 2 != d) continue;
                    try (InputStream in = files.get(i).content().open()) {
                        w.add(files.get(i).entry(), in);
                    }
                }
            }
            assertThat(Files.size(dev)).isEqualTo(w.blocks() * 4096);
            placed.add(w.placements());
            devices.add(dev);
            blocks.add(w.blocks());
        }
        Path image = tmp.resolve("meta.erofs");
        try (ErofsWriter w = ErofsWriter.create(image, opts)) {
            for (int d = 0; d < 3; d++) assertThat(w.addDevice(new DeviceSlot("dev" + d, blocks.get(d)))).isEqualTo(d);
            int[] next = new int[2];
            for (TreeSpec.Item it : t.items) {
                if (it.content() == null) {
                    w.add(it.entry());
                    continue;
                }
                int d = files.indexOf(it) % 2;
                w.addExternal(it.entry(), placed.get(d).get(next[d]++).onDevice(d));
            }
        }
        long dataBytes = files.stream().mapToLong(i -> i.entry().size()).sum();
        assertThat(Files.size(image)).as("metadata only").isLessThan(dataBytes / 4);
        try (ErofsReaders.DeviceMount m = ErofsReaders.mountWithDevices(image, devices, tmp.resolve("mnt"))) {
            t.verifyMounted(m.dir);
        }
    }
}
