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

    /**
     * Lines of {@code losetup -a} (an oracle apart from /sys/block, which MountTable reads) naming a file of this
     * test's store: loops on the machine are shared with other tests and tools, so only ours are counted.
     */
    int losetupLines() throws Exception {
        String root = store.layout().root().toRealPath().toString();
        return (int) Processes.check(null, "losetup", "-a").lines().filter(l -> l.contains(root)).count();
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
        assertThat(before).isZero();
        Lifecycle lc = open("manual", "none");
        Path dir = mountDir("full");
        ImageMount m = lc.imageMounts().mount("full", null, dir);
        assertThat(m.devices()).hasSize(3).allMatch(d -> d.getFileName().toString().startsWith(layer(images.full, 0).hex())
                || d.getFileName().toString().startsWith(layer(images.full, 1).hex()) || d.getFileName().toString().startsWith(layer(images.full, 2).hex()));
        for (int i = 0; i < 3; i++) assertThat(m.devices().get(i).getFileName().toString()).as("mount order = layer order").startsWith(layer(images.full, i).hex());
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

    Digest layer(dev.shed.core.oci.Descriptor manifest, int i) {
        try {
            return new dev.shed.core.image.ImageReader(store).manifest(manifest).layers().get(i).digest();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void noPruneModeNorPolicyEvictsAMountedSharedLowerOrItsDevicesAndUmountMakesThemReclaimable() throws Exception {
        Lifecycle lc = open("manual", "none");
        lc.lowers().ensure(images.extensions.digest());
        Path dir = mountDir("full");
        ImageMount m = lc.imageMounts().mount("full", null, dir);
        store.names().remove("full");
        store.names().remove("extensions");
        for (String policy : List.of("manual", "lru", "refcount")) {
            Lifecycle again = open(policy, "1"); // a budget of one byte: everything not mounted must go under lru
            for (PruneOptions o : List.of(PruneOptions.DEFAULT, new PruneOptions(false, true, false),
                    new PruneOptions(false, false, true), new PruneOptions(true, false, false))) {
                again.pruner().prune(o, i -> {});
                assertThat(store.layout().erofsLower(images.full.digest())).as(policy + " " + o.describe()).exists();
                for (Path d : m.devices()) assertThat(d).as(policy + " " + o.describe()).exists();
                assertFullTree(dir);
            }
            assertThat(store.layout().erofsLower(images.extensions.digest())).as("not mounted: evicted").doesNotExist();
            CachedLower full = again.lowers().find(images.full.digest(), CachedLower.Kind.EROFS).orElseThrow();
            assertThatThrownBy(() -> again.lowers().evict(full)).isInstanceOf(LowerInUseException.class);
        }
        // a device whose records are gone but which a mounted lower has attached is not deleted either
        Files.delete(store.layout().erofsLowerRecord(images.full.digest()));
        Lifecycle again = open("manual", "none");
        again.pruner().prune(new PruneOptions(false, true, false), i -> {});
        for (Path d : m.devices()) assertThat(d).as("attached to a loop device").exists();
        assertFullTree(dir);

        lc.imageMounts().unmount(dir);
        List<PruneItem> removed = new ArrayList<>();
        again.pruner().prune(new PruneOptions(true, false, false), removed::add);
        assertThat(removed).filteredOn(i -> i.kind() == PruneItem.Kind.DEVICE).extracting(PruneItem::path)
                .as("the last lower gone, its devices go in the same prune").containsExactlyInAnyOrderElementsOf(m.devices());
        for (Path d : m.devices()) assertThat(d).doesNotExist();
        assertThat(ourLoops()).isEmpty();
    }

    @Test
    void aShedStartsOnASharedLowerAndStopReleasesEveryLoop() throws Exception {
        int before = losetupLines();
        assertThat(before).isZero();
        Lifecycle lc = open("lru", "1");
        lc.sheds().create("dev", "full", null, null);
        Path rootfs = lc.sheds().start("dev");
        assertFullTree(rootfs);
        Files.writeString(rootfs.resolve("srv/note.txt"), "mine");
        assertThat(losetupLines()).isEqualTo(before + 4);
        List<Path> devices = lc.lowers().lower(images.full.digest()).devices();
        assertThat(devices).hasSize(3);
        lc.lowers().ensure(images.base.digest()); // lru with a 1-byte budget: base's own ensure keeps only base and dev's lower
        lc.pruner().prune(new PruneOptions(false, false, true), i -> {});
        for (Path d : devices) assertThat(d).exists();
        assertFullTree(rootfs);
        lc.sheds().stop("dev");
        assertThat(losetupLines()).isEqualTo(before);
        assertThat(ourLoops()).isEmpty();
        Path again = lc.sheds().start("dev");
        assertThat(Files.readString(again.resolve("srv/note.txt"))).isEqualTo("mine");
        lc.sheds().remove("dev", true);
        assertThat(ourLoops()).isEmpty();
    }

    @Test
    void aFailingMountDetachesTheDataDevicesItAttached() throws Exception {
        int before = losetupLines();
        assertThat(before).isZero();
        Lifecycle lc = open("manual", "none");
        var lower = lc.lowers().ensureLower(images.full.digest());
        Path garbage = tmp.resolve("garbage.erofs");
        Files.write(garbage, TestImages.noise(9, 8192));
        LowerMounter mounter = LowerMounter.forStore(store, table);
        var broken = new dev.shed.core.materialize.Lower(lower.manifest(), garbage, 8192, false, lower.devices());
        assertThatThrownBy(() -> mounter.mount(broken, mountDir("broken"))).hasMessageContaining("mount");
        assertThat(losetupLines()).isEqualTo(before);
        var missing = new dev.shed.core.materialize.Lower(lower.manifest(), lower.path(), lower.size(), false,
                List.of(lower.devices().get(0), tmp.resolve("nope.erofsdev")));
        assertThatThrownBy(() -> mounter.mount(missing, mountDir("missing"))).hasMessageContaining("nope.erofsdev");
        assertThat(losetupLines()).isEqualTo(before);
        // mount point already in use: refused before anything is attached
        Path dir = mountDir("twice");
        lc.imageMounts().mount("full", null, dir);
        assertThatThrownBy(() -> lc.imageMounts().mount("base", null, dir)).isInstanceOf(dev.shed.core.shed.ShedConflictException.class);
        lc.imageMounts().unmount(dir);
        assertThat(losetupLines()).isEqualTo(before);
    }

    @Test
    void loopsAKilledMountLeftAndStaleRecordsAreCleanedByTheNextUmountOrPrune() throws Exception {
        int before = losetupLines();
        assertThat(before).isZero();
        Lifecycle lc = open("manual", "none");
        var lower = lc.lowers().ensureLower(images.full.digest());
        // what a mount killed between attaching its devices and detaching them leaves: loops without autoclear
        String leaked = Processes.check(null, "losetup", "-r", "-f", "--show", lower.devices().get(0).toString()).strip();
        assertThat(ourLoops()).extracting(MountTable.LoopDevice::autoclear).containsExactly(false);
        lc.pruner().prune(new PruneOptions(false, true, false), i -> {});
        assertThat(ourLoops()).as(leaked + " detached by prune").isEmpty();
        assertThat(losetupLines()).isEqualTo(before);

        // a record whose mount vanished (umount by hand, or a crash before the mount): forgotten, not an error
        Path dir = mountDir("full");
        lc.imageMounts().mount("full", null, dir);
        Processes.check(null, "umount", dir.toString());
        assertThat(lc.imageMounts().unmount(dir).dir()).isEqualTo(dir.toRealPath());
        lc.imageMounts().mount("full", null, dir);
        Processes.check(null, "umount", dir.toString());
        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(Files.list(ImageMounts.dir(store)).toList()).as("prune removed the stale record").isEmpty();
        assertThat(losetupLines()).isEqualTo(before);
    }
}
