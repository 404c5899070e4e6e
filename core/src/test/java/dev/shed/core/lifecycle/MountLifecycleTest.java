package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.cache.CachedLower;
import dev.shed.core.cache.LowerInUseException;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountRunner;
import dev.shed.core.shed.MountTable;
import dev.shed.core.shed.ShedConflictException;
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

/** Real kernel mounts (root): erofs through a loop device, overlay with the shed's upper dir. */
class MountLifecycleTest {
    @TempDir
    Path tmp;
    Store store;
    TestImages images;
    ExtractingLowerBuilder builder;
    final MountTable table = new MountTable();

    @BeforeEach
    void setUp() throws Exception {
        Integration.requireRoot();
        Integration.requireTool("mkfs.erofs");
        store = Store.open(tmp.resolve("store"));
        images = TestImages.importInto(store, tmp.resolve("layout"));
        builder = new ExtractingLowerBuilder(store);
    }

    /** Never leak a mount from a failed test: unmount everything under the temp dir, deepest first. */
    @AfterEach
    void unmountAll() throws Exception {
        if (tmp == null) return;
        List<Path> mine = new ArrayList<>();
        for (MountTable.Mount m : table.mounts()) if (m.mountPoint().startsWith(tmp)) mine.add(m.mountPoint());
        mine.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path p : mine) Processes.run(null, List.of("umount", "-l", p.toString()));
    }

    /** A fresh instance, as a new shed process would open it. */
    Lifecycle open(String policy) throws Exception {
        new ConfigFile(store).set(ConfigKey.EVICTION_POLICY, policy);
        new ConfigFile(store).set(ConfigKey.CACHE_BUDGET, "1");
        return Lifecycle.open(store, builder, new MountRunner(table), table, new LocalImageSource(store));
    }

    @Test
    void startMountsTheLowerAndAnOverlayThatSurvivesEveryPruneModeAndPolicy() throws Exception {
        Lifecycle lc = open("manual");
        lc.sheds().create("dev", "full", null, null);
        Path rootfs = lc.sheds().start("dev");
        assertThat(Files.readString(rootfs.resolve("etc/os-release"))).isEqualTo("ID=debian\n");
        assertThat(Files.readAllBytes(rootfs.resolve("srv/data"))).isEqualTo(TestImages.noise(3, 40_000));
        assertThat(Files.readAllBytes(rootfs.resolve("opt/tool"))).isEqualTo(TestImages.noise(2, 30_000));
        Files.writeString(rootfs.resolve("srv/note.txt"), "written in the shed");
        assertThat(Files.readString(lc.catalog().paths("dev").upper().resolve("srv/note.txt"))).isEqualTo("written in the shed");
        Path lower = store.layout().erofsLower(images.full.digest());
        assertThat(table.loopBackingFiles()).contains(lower);

        store.names().remove("full");
        for (String policy : List.of("manual", "lru", "refcount")) {
            Lifecycle again = open(policy);
            assertThat(again.catalog().isRunning(again.catalog().shed("dev").orElseThrow())).as("running outlives the process").isTrue();
            for (PruneOptions o : List.of(PruneOptions.DEFAULT, new PruneOptions(false, true, false),
                    new PruneOptions(false, false, true), new PruneOptions(true, false, false))) {
                again.pruner().prune(o, i -> {});
                assertThat(lower).as(policy + " " + o.describe()).exists();
            }
            CachedLower cached = again.lowers().find(images.full.digest(), CachedLower.Kind.EROFS).orElseThrow();
            assertThatThrownBy(() -> again.lowers().evict(cached)).isInstanceOf(LowerInUseException.class);
        }
        assertThat(Files.readString(rootfs.resolve("srv/note.txt"))).isEqualTo("written in the shed");
        assertThat(lc.verifier().verify().problems()).isEmpty();

        assertThatThrownBy(() -> lc.sheds().remove("dev", false)).isInstanceOf(ShedConflictException.class);
        lc.sheds().stop("dev");
        assertThat(table.isMountPoint(rootfs)).isFalse();
        assertThat(table.loopBackingFiles()).doesNotContain(lower);
    }

    @Test
    void anEvictedLowerIsRebuiltByStartAndTheShedSeesTheSameFiles() throws Exception {
        Lifecycle lc = open("manual");
        lc.sheds().create("dev", "extensions", null, null);
        Path rootfs = lc.sheds().start("dev");
        Files.writeString(rootfs.resolve("opt/mine.txt"), "mine");
        List<String> before = tree(rootfs);
        lc.sheds().stop("dev");

        Lifecycle lru = open("lru"); // budget of one byte: everything not running goes
        lru.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(store.layout().erofsLower(images.extensions.digest())).doesNotExist();

        Path again = lru.sheds().start("dev");
        assertThat(builder.builds).filteredOn(images.extensions.digest()::equals).hasSize(2);
        assertThat(tree(again)).isEqualTo(before);
        assertThat(Files.readString(again.resolve("opt/mine.txt"))).isEqualTo("mine");
        lru.sheds().remove("dev", true);
        assertThat(table.isMountPoint(again)).isFalse();
        assertThat(lc.catalog().paths("dev").dataDir()).doesNotExist();
    }

    @Test
    void aShedWhoseMountVanishedShowsStoppedKeepsItsLowerAndStartsAgain() throws Exception {
        Lifecycle lc = open("manual");
        lc.sheds().create("dev", "base", null, null);
        Path rootfs = lc.sheds().start("dev");
        Processes.check(null, "umount", rootfs.toString()); // behind shed's back; the loop-mounted lower stays
        Lifecycle fresh = open("refcount");
        assertThat(fresh.catalog().isRunning(fresh.catalog().shed("dev").orElseThrow())).isFalse();
        assertThat(fresh.catalog().shed("dev").orElseThrow().started()).as("the record still says started").isTrue();
        fresh.pruner().prune(new PruneOptions(false, false, true), i -> {});
        assertThat(store.layout().erofsLower(images.base.digest())).as("still attached to a loop device").exists();

        Path again = fresh.sheds().start("dev");
        assertThat(Files.readString(again.resolve("etc/os-release"))).isEqualTo("ID=debian\n");
        fresh.sheds().stop("dev");
        assertThat(fresh.catalog().shed("dev").orElseThrow().started()).isFalse();
        assertThat(table.isMountPoint(fresh.catalog().paths("dev").lowerMount())).isFalse();
    }

    @Test
    void aSnapshotCarriesTheUpperDirIntoANewShed() throws Exception {
        Lifecycle lc = open("refcount");
        lc.sheds().create("dev", "base", null, null);
        Path rootfs = lc.sheds().start("dev");
        Files.writeString(rootfs.resolve("etc/hostname"), "dev\n");
        Files.delete(rootfs.resolve("etc/os-release")); // a whiteout (0:0 char device) in the upper dir
        lc.sheds().stop("dev");
        lc.sheds().snapshot("dev", "snap");
        lc.sheds().remove("dev", false);
        assertThat(store.layout().erofsLower(images.base.digest())).as("the snapshot pins it").exists();

        lc.sheds().create("copy", null, null, "snap");
        Path copy = lc.sheds().start("copy");
        assertThat(Files.readString(copy.resolve("etc/hostname"))).isEqualTo("dev\n");
        assertThat(copy.resolve("etc/os-release")).doesNotExist();
        lc.sheds().remove("copy", true);
        lc.sheds().removeSnapshot("snap");
        assertThat(store.layout().erofsLower(images.base.digest())).as("refcount: last pin gone").doesNotExist();
    }

    @Test
    void runningStateIsSeenThroughASymlinkedStoreRoot() throws Exception {
        Path link = tmp.resolve("link");
        Files.createSymbolicLink(link, store.layout().root());
        Store viaLink = Store.open(link);
        Lifecycle lc = Lifecycle.open(viaLink, new ExtractingLowerBuilder(viaLink), new MountRunner(table), table,
                new LocalImageSource(viaLink));
        lc.sheds().create("dev", "base", null, null);
        lc.sheds().start("dev");
        assertThat(lc.catalog().isRunning(lc.catalog().shed("dev").orElseThrow())).isTrue();
        assertThat(lc.catalog().running()).containsExactly(images.base.digest());
        lc.sheds().stop("dev");
        assertThat(lc.catalog().running()).isEmpty();
    }

    private static List<String> tree(Path root) throws Exception {
        List<String> out = new ArrayList<>();
        try (var s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                String rel = root.relativize(p).toString();
                out.add(rel + (Files.isRegularFile(p) ? " " + dev.shed.core.oci.Digest.of(Files.readAllBytes(p)) : "/"));
            }
        }
        return out;
    }
}
