package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.cache.CachedLower;
import dev.shed.core.cache.LowerInUseException;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.ImageMount;
import dev.shed.core.shed.ImageMounts;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.LowerMounter;
import dev.shed.core.shed.MountRunner;
import dev.shed.core.shed.MountTable;
import dev.shed.core.shed.ShedNotFoundException;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared lowers mounted for real (root): the metadata image through mount(8)'s loop, each data device through its
 * own read-only loop, {@code -o device=}. The kernel is the oracle for "still readable"; {@code losetup -a} and
 * /sys/block for "no loop device leaked".
 */
class SharedLowerMountTest {
    @TempDir
    Path tmp;
    Store store;
    TestImages images;
    SharedLowerBuilder builder;
    final MountTable table = new MountTable();

    @BeforeEach
    void setUp() throws Exception {
        Integration.requireRoot();
        Integration.requireTool("losetup");
        SharedLowerBuilder.requireMkfs();
        store = Store.open(tmp.resolve("store"));
        images = TestImages.importInto(store, tmp.resolve("layout"));
        builder = new SharedLowerBuilder(store);
    }

    /** Never leak a mount or loop from a failed test: unmount everything under the temp dir, detach our loops. */
    @AfterEach
    void cleanUp() throws Exception {
        if (tmp == null || store == null) return;
        List<Path> mine = new ArrayList<>();
        for (MountTable.Mount m : table.mounts()) if (m.mountPoint().startsWith(tmp)) mine.add(m.mountPoint());
        mine.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : mine) Processes.run(null, List.of("umount", "-l", p.toString()));
        for (MountTable.LoopDevice l : table.loopDevices()) {
            if (l.backingFile().startsWith(tmp.toRealPath())) Processes.run(null, List.of("losetup", "-d", l.device().toString()));
        }
    }

    Lifecycle open(String policy, String budget) throws Exception {
        new ConfigFile(store).set(ConfigKey.EVICTION_POLICY, policy);
        new ConfigFile(store).set(ConfigKey.CACHE_BUDGET, budget);
        return Lifecycle.open(store, builder, new MountRunner(LowerMounter.forStore(store, table)), table, new LocalImageSource(store));
    }

    /** Loop devices attached to files of this test's store. */
    List<MountTable.LoopDevice> ourLoops() throws Exception {
        Path root = store.layout().root().toRealPath();
        return table.loopDevices().stream().filter(l -> l.backingFile().startsWith(root)).toList();
    }

    static int losetupLines() throws Exception {
        return (int) Processes.check(null, "losetup", "-a").lines().count();
    }

    Path mountDir(String name) throws Exception {
        return Files.createDirectories(tmp.resolve("mnt").resolve(name));
    }

    void assertFullTree(Path root) throws Exception {
        assertThat(Files.readString(root.resolve("etc/os-release"))).isEqualTo("ID=debian\n");
        assertThat(Files.readAllBytes(root.resolve("usr/bin/sh"))).isEqualTo(TestImages.noise(1, 20_000));
        assertThat(Files.readAllBytes(root.resolve("opt/tool"))).isEqualTo(TestImages.noise(2, 30_000));
        assertThat(Files.readAllBytes(root.resolve("srv/data"))).isEqualTo(TestImages.noise(3, 40_000));
    }

    @Test
    void imageMountAttachesEachDataDeviceAndUmountLeavesNoLoopDevice() throws Exception {
        int before = losetupLines();
        Lifecycle lc = open("manual", "none");
        Path dir = mountDir("full");
        ImageMount m = lc.imageMounts().mount("full", null, dir);
        assertThat(m.devices()).hasSize(3).containsExactly(builder.device(layer(images.full, 0)), builder.device(layer(images.full, 1)),
                builder.device(layer(images.full, 2)));
        assertThat(table.isMountPoint(dir)).isTrue();
        assertFullTree(dir);
        assertThat(ourLoops()).extracting(MountTable.LoopDevice::backingFile)
                .containsExactlyInAnyOrder(store.layout().erofsLower(images.full.digest()), m.devices().get(0), m.devices().get(1), m.devices().get(2));
        assertThat(ourLoops()).as("every loop detaches by itself at umount").allMatch(MountTable.LoopDevice::autoclear);
        assertThat(losetupLines()).isEqualTo(before + 4);
        assertThat(Files.list(ImageMounts.dir(store)).toList()).hasSize(1);

        assertThat(lc.imageMounts().unmount(dir).manifest()).isEqualTo(images.full.digest());
        assertThat(table.isMountPoint(dir)).isFalse();
        assertThat(ourLoops()).isEmpty();
        assertThat(losetupLines()).isEqualTo(before);
        assertThat(lc.imageMounts().list()).isEmpty();
        assertThatThrownBy(() -> lc.imageMounts().unmount(dir)).isInstanceOf(ShedNotFoundException.class);
    }

    Digest layer(dev.shed.core.oci.Descriptor manifest, int i) throws Exception {
        return new dev.shed.core.image.ImageReader(store).manifest(manifest).layers().get(i).digest();
    }
}
