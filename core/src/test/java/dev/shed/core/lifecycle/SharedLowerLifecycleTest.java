package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.cache.DataDevice;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import dev.shed.core.gc.DiskUsage;
import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.gc.PrunePlan;
import dev.shed.core.image.ImageReader;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Disk lifecycle of shared lowers (no mounts: the running-state rules have their root tests in
 * {@link SharedLowerMountTest}): a data device lives exactly as long as some lower's record lists it, whichever
 * rule evicts the lowers; df's figures are du(1)'s; prune racing materializations that share layers loses nothing.
 * base = [l1], extensions = [l1, l2], full = [l1, l2, l3].
 */
class SharedLowerLifecycleTest {
    @TempDir
    Path tmp;
    Store store;
    TestImages images;
    SharedLowerBuilder builder;
    Path l1;
    Path l2;
    Path l3;

    @BeforeEach
    void setUp() throws Exception {
        Integration.requireTool("du");
        store = Store.open(tmp.resolve("store"));
        images = TestImages.importInto(store, tmp.resolve("layout"));
        builder = new SharedLowerBuilder(store);
    }

    /** The three layers' devices, named by full's record (call once full's lower exists). */
    void learnDevices(Lifecycle lc) throws Exception {
        List<Path> d = lc.lowers().lower(images.full.digest()).devices();
        assertThat(d).hasSize(3);
        List<Descriptor> layers = new ImageReader(store).manifest(images.full).layers();
        for (int i = 0; i < 3; i++) assertThat(d.get(i).getFileName().toString()).startsWith(layers.get(i).digest().hex());
        l1 = d.get(0);
        l2 = d.get(1);
        l3 = d.get(2);
    }

    static Object fileKey(Path p) throws Exception {
        return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }

    Lifecycle open(String policy, String budget) throws Exception {
        new ConfigFile(store).set(ConfigKey.EVICTION_POLICY, policy);
        new ConfigFile(store).set(ConfigKey.CACHE_BUDGET, budget);
        return Lifecycle.open(store, builder, new FakeRunner(), new MountTable(), new LocalImageSource(store));
    }

    boolean cached(Descriptor d) {
        return Files.exists(store.layout().erofsLower(d.digest()));
    }

    @Test
    void evictingTheLastLowerThatUsesADeviceRemovesTheDeviceInTheSamePrune() throws Exception {
        Lifecycle lc = open("manual", "none");
        lc.sheds().create("e", "extensions", null, null);
        List<Path> extDevices = lc.lowers().lower(images.extensions.digest()).devices();
        Object l1Key = fileKey(extDevices.get(0));
        lc.lowers().ensure(images.full.digest());
        learnDevices(lc);
        assertThat(List.of(l1, l2)).as("full reuses extensions' devices").isEqualTo(extDevices);
        assertThat(fileKey(l1)).as("not rebuilt").isEqualTo(l1Key);
        assertThat(List.of(l1, l2, l3)).allMatch(Files::exists);

        List<PruneItem> removed = new ArrayList<>();
        lc.pruner().prune(new PruneOptions(false, false, true), removed::add);
        assertThat(cached(images.full)).isFalse();
        assertThat(cached(images.extensions)).as("pinned by shed e").isTrue();
        assertThat(removed).filteredOn(i -> i.kind() == PruneItem.Kind.DEVICE).extracting(PruneItem::path).containsExactly(l3);
        assertThat(l3).doesNotExist();
        assertThat(DataDevice.index(l3)).doesNotExist();
        assertThat(List.of(l1, l2)).as("extensions still uses them").allMatch(Files::exists);

        lc.sheds().remove("e", false);
        removed.clear();
        lc.pruner().prune(new PruneOptions(false, false, true), removed::add);
        assertThat(removed).extracting(PruneItem::kind).containsExactlyInAnyOrder(PruneItem.Kind.LOWER, PruneItem.Kind.DEVICE, PruneItem.Kind.DEVICE);
        assertThat(CacheFiles.of(store)).isEmpty();
        assertThat(lc.verifier().verify().problems()).isEmpty();
    }

    @Test
    void refcountFreesADeviceWithTheLastPinOfTheLastLowerThatUsesIt() throws Exception {
        Lifecycle lc = open("refcount", "none");
        lc.sheds().create("b", "base", null, null);
        lc.sheds().create("f", "full", null, null);
        learnDevices(lc);
        lc.sheds().remove("f", false);
        assertThat(cached(images.full)).isFalse();
        assertThat(List.of(l2, l3)).as("only full used them: gone with it, no prune needed").noneMatch(Files::exists);
        assertThat(l1).as("base uses it").exists();
        lc.sheds().remove("b", false);
        assertThat(l1).doesNotExist();
        assertThat(CacheFiles.of(store)).isEmpty();
    }

    @Test
    void lruCountsDevicesAgainstTheBudgetAndEvictingALowerFreesOnlyTheDevicesNoOtherLowerUses() throws Exception {
        Lifecycle probe = open("manual", "none");
        probe.lowers().ensure(images.full.digest());
        learnDevices(probe);
        long fullFootprint = cacheBytes();
        probe.lowers().evict(probe.lowers().find(images.full.digest(), dev.shed.core.cache.CachedLower.Kind.EROFS).orElseThrow());
        probe.lowers().removeOrphanDevices();
        assertThat(CacheFiles.of(store)).isEmpty();

        // a budget that holds full (three devices + its image) but not one byte more
        Lifecycle lc = open("lru", String.valueOf(fullFootprint));
        lc.lowers().ensure(images.extensions.digest());
        setUsage(images.extensions.digest(), 10);
        lc.lowers().ensure(images.full.digest());
        assertThat(cached(images.extensions)).as("oldest, and the cache is over budget by its image only").isFalse();
        assertThat(cached(images.full)).isTrue();
        assertThat(List.of(l1, l2, l3)).as("full uses every device").allMatch(Files::exists);
        assertThat(cacheBytes()).isLessThanOrEqualTo(fullFootprint);

        setUsage(images.full.digest(), 20);
        lc.lowers().ensure(images.base.digest());
        assertThat(cached(images.full)).isFalse();
        assertThat(List.of(l2, l3)).as("freed with full, the last lower using them").noneMatch(Files::exists);
        assertThat(l1).exists();
        assertThat(cacheBytes()).isLessThanOrEqualTo(fullFootprint);
    }

    @Test
    void dfSplitsSharedFromUniqueDeviceBytesAndEveryFigureIsDus() throws Exception {
        Lifecycle lc = open("manual", "none");
        lc.sheds().create("b", "base", null, null);
        lc.lowers().ensure(images.extensions.digest());
        lc.lowers().ensure(images.full.digest());
        learnDevices(lc);
        Path orphan = CacheDirs.devices(store).resolve(Digest.of(new byte[] {7}).hex() + ".other" + DataDevice.SUFFIX);
        Files.write(orphan, new byte[5_000]);
        store.names().remove("full");

        DiskUsage.Report r = lc.diskUsage().measure();
        assertThat(r.devices()).hasSize(4);
        assertThat(r.deviceBytes()).isEqualTo(du(files(CacheDirs.devices(store))));
        assertThat(r.sharedDeviceBytes()).as("l1: 3 lowers, l2: 2").isEqualTo(du(List.of(l1, DataDevice.index(l1), l2, DataDevice.index(l2))));
        DiskUsage.LowerUsage full = lower(r, images.full);
        assertThat(full.layout()).isEqualTo("shared");
        assertThat(full.devices()).containsExactly(l1, l2, l3);
        assertThat(full.bytes()).isEqualTo(du(List.of(store.layout().erofsLower(images.full.digest()),
                store.layout().erofsLowerRecord(images.full.digest()))));
        assertThat(full.sharedBytes()).isEqualTo(du(List.of(l1, DataDevice.index(l1), l2, DataDevice.index(l2))));
        assertThat(full.uniqueBytes()).isEqualTo(du(List.of(l3, DataDevice.index(l3))));
        assertThat(lower(r, images.base).uniqueBytes()).isZero();
        assertThat(r.devices()).filteredOn(d -> d.path().equals(orphan)).singleElement().matches(d -> d.lowers().isEmpty());

        // unnamed, unpinned full goes in the default prune: with it l3; the orphan goes in every mode
        PrunePlan def = r.reclaimable().get("default");
        assertThat(def.items()).filteredOn(i -> i.kind() == PruneItem.Kind.DEVICE).extracting(PruneItem::path)
                .containsExactlyInAnyOrder(l3, orphan);
        assertThat(def.bytes(PruneItem.Kind.DEVICE)).isEqualTo(du(List.of(l3, DataDevice.index(l3), orphan)));
        assertThat(r.reclaimable().get("--layer-cache").bytes(PruneItem.Kind.DEVICE))
                .as("every unpinned lower: extensions and full; base's l1 stays").isEqualTo(du(List.of(l2, DataDevice.index(l2), l3,
                        DataDevice.index(l3), orphan)));
        long before = du(files(store.layout().root().resolve("cache")));
        PrunePlan done = lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(done.bytes(PruneItem.Kind.DEVICE) + done.bytes(PruneItem.Kind.LOWER))
                .isEqualTo(def.bytes(PruneItem.Kind.DEVICE) + def.bytes(PruneItem.Kind.LOWER))
                .isEqualTo(before - du(files(store.layout().root().resolve("cache"))));
    }

    @Test
    void pruneRemovesWhatACrashedDeviceBuildLeftButNotWhatABuildInProgressHolds() throws Exception {
        Lifecycle lc = open("manual", "none");
        lc.lowers().ensure(images.base.digest());
        String hex = Digest.of(new byte[] {9}).hex();
        Path devices = CacheDirs.devices(store);
        Path lonelyIndex = devices.resolve(hex + ".k1" + DataDevice.INDEX_SUFFIX);
        Path orphanDevice = devices.resolve(hex + ".k2" + DataDevice.SUFFIX);
        Path strayTemp = devices.resolve("." + hex + ".k3.erofsdev.tmp");
        Path tmpBuild = store.layout().tmpDir().resolve("layerdev-" + hex + ".k4-0123");
        Path liveBuild = store.layout().tmpDir().resolve("layerdev-" + hex + ".k5-4567");
        for (Path p : List.of(lonelyIndex, orphanDevice, strayTemp, tmpBuild, liveBuild)) Files.write(p, new byte[100]);
        old(strayTemp);
        store.locks().exclusive(DataDevice.lockName(new Digest(hex), "k4")).close(); // a build that died: its lock file exists, free
        try (FileLocks.Held live = holdInAnotherThread(DataDevice.lockName(new Digest(hex), "k5"))) {
            lc.pruner().prune(new PruneOptions(false, true, false), i -> {});
            assertThat(List.of(lonelyIndex, orphanDevice, strayTemp)).noneMatch(Files::exists);
            assertThat(liveBuild).as("its build holds the layerdev lock").exists();
            lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
            assertThat(tmpBuild).doesNotExist();
            assertThat(liveBuild).exists();
        }
        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(liveBuild).doesNotExist();
        assertThat(lc.lowers().lower(images.base.digest()).devices()).hasSize(1).allMatch(Files::exists);
        assertThat(lc.lowers().isCached(images.base.digest())).isTrue();
    }

    @Test
    void pruneRacingMaterializationsThatShareLayersNeverLeavesACachedLowerWithoutItsDevices() throws Exception {
        Lifecycle lc = open("manual", "none");
        store.names().remove("extensions"); // unnamed: --cache-only evicts their lowers (and then the devices) every time
        store.names().remove("full");
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Integer>> builders = new ArrayList<>();
        for (Descriptor image : List.of(images.extensions, images.full)) {
            builders.add(pool.submit(() -> {
                int checked = 0;
                for (int i = 0; i < 15; i++) {
                    lc.lowers().ensure(image.digest());
                    // what start and image mount do: under the shared lower lock, a cached lower has all its devices
                    try (FileLocks.Held shared = store.locks().shared("lower-" + image.digest().hex())) {
                        if (!lc.lowers().isCached(image.digest())) continue;
                        var lower = lc.lowers().lower(image.digest());
                        Thread.sleep(5); // give prune time to get it wrong
                        for (Path d : lower.devices()) {
                            if (!Files.isRegularFile(d)) throw new AssertionError("device " + d + " of a cached lower vanished");
                        }
                        checked++;
                    }
                    Thread.sleep(30); // and time to evict it
                }
                return checked;
            }));
        }
        Future<long[]> pruner = pool.submit(() -> {
            long lowers = 0;
            long devices = 0;
            while (!stop.get()) {
                PrunePlan p = lc.pruner().prune(new PruneOptions(false, true, false), i -> {});
                lowers += p.count(PruneItem.Kind.LOWER);
                devices += p.count(PruneItem.Kind.DEVICE);
            }
            return new long[] {lowers, devices};
        });
        int checked = 0;
        for (Future<Integer> b : builders) checked += b.get(5, TimeUnit.MINUTES);
        stop.set(true);
        long[] pruned = pruner.get(5, TimeUnit.MINUTES);
        pool.shutdown();
        assertThat(checked).isPositive();
        assertThat(pruned[0]).as("prune evicted lowers while they were being built and used").isPositive();
        assertThat(pruned[1]).as("and their devices").isPositive();
        assertThat(builder.builds.size()).as("lowers rebuilt after eviction").isGreaterThan(2);
        // the end state is consistent: every cached lower has its devices, no device without a lower after a prune
        lc.pruner().prune(new PruneOptions(false, true, false), i -> {});
        for (Descriptor d : List.of(images.base, images.extensions, images.full)) {
            if (cached(d)) assertThat(lc.lowers().isCached(d.digest())).isTrue();
        }
        assertThat(lc.lowers().deviceRefs().freedBy(Set.of())).isEmpty();
    }

    @Test
    void pruneInThisProcessRacingTwoProcessesMaterializingManifestsThatShareLayersLosesNoDevice() throws Exception {
        Lifecycle lc = open("manual", "none");
        store.names().remove("extensions"); // unnamed: every --cache-only prune evicts their lowers, then their devices
        store.names().remove("full");
        List<Process> workers = new ArrayList<>();
        for (Descriptor d : List.of(images.extensions, images.full)) {
            workers.add(Jvm.start(SharedMaterializeWorker.class, tmp.resolve(d.digest().shortHex() + ".log"),
                    store.layout().root().toString(), d.digest().toString(), "25"));
        }
        long devicesRemoved = 0;
        while (workers.stream().anyMatch(Process::isAlive)) {
            devicesRemoved += lc.pruner().prune(new PruneOptions(false, true, false), i -> {}).count(PruneItem.Kind.DEVICE);
            Thread.sleep(15);
        }
        long checked = 0;
        for (Process w : workers) {
            assertThat(w.waitFor(5, TimeUnit.MINUTES)).isTrue();
            String out = new String(w.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(w.exitValue()).as(Files.readString(tmp.resolve(images.extensions.digest().shortHex() + ".log"))
                    + Files.readString(tmp.resolve(images.full.digest().shortHex() + ".log"))).isZero();
            checked += out.lines().filter("checked"::equals).count();
        }
        assertThat(checked).as("the workers found their lowers cached and whole").isPositive();
        assertThat(devicesRemoved).as("prune really removed devices while they ran").isPositive();
        lc.pruner().prune(new PruneOptions(false, true, false), i -> {});
        assertThat(CacheFiles.of(store)).as("nothing half-visible left").isEmpty();
        assertThat(lc.verifier().verify().problems()).isEmpty();
    }

    // --- helpers ---

    /** A build in progress elsewhere: another thread holds {@code lock} until the returned handle is closed. */
    private FileLocks.Held holdInAnotherThread(String lock) throws Exception {
        var got = new java.util.concurrent.CompletableFuture<Void>();
        var release = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            try (FileLocks.Held h = store.locks().exclusive(lock)) {
                got.complete(null);
                release.await();
            } catch (Exception e) {
                got.completeExceptionally(e);
            }
        });
        t.start();
        got.get(1, TimeUnit.MINUTES);
        return () -> {
            release.countDown();
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private void setUsage(Digest manifest, long epochSecond) throws Exception {
        new dev.shed.core.cache.Usage(store.layout()).touch(manifest, Instant.ofEpochSecond(epochSecond));
    }

    private static void old(Path p) throws Exception {
        Files.setLastModifiedTime(p, FileTime.from(Instant.now().minusSeconds(7200)));
    }

    private long cacheBytes() throws Exception {
        List<Path> f = files(store.layout().root().resolve("cache"));
        return f.isEmpty() ? 0 : du(f);
    }

    private static DiskUsage.LowerUsage lower(DiskUsage.Report r, Descriptor d) {
        return r.lowers().stream().filter(l -> l.manifest().equals(d.digest())).findFirst().orElseThrow();
    }

    static long du(List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("du", "-cb", "--"));
        files.forEach(f -> cmd.add(f.toString()));
        String out = Processes.check(null, cmd.toArray(String[]::new));
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).endsWith("total");
        return Long.parseLong(last.split("\\s+")[0]);
    }

    static List<Path> files(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    /** Files under cache/ (lowers, records, devices, indexes). */
    static final class CacheFiles {
        static List<Path> of(Store store) throws Exception {
            return files(store.layout().root().resolve("cache"));
        }
    }

    static final class CacheDirs {
        static Path devices(Store store) throws Exception {
            return Files.createDirectories(dev.shed.core.cache.CacheDir.devicesDir(store.layout()));
        }
    }
}
