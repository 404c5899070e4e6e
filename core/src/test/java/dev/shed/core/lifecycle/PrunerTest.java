package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.gc.PrunePlan;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.BlobWriter;
import dev.shed.core.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrunerTest {
    @TempDir
    Path tmp;
    Store store;
    TestImages images;
    Lifecycle lc;

    @BeforeEach
    void setUp() throws Exception {
        store = Store.open(tmp.resolve("store"));
        images = TestImages.importInto(store, tmp.resolve("layout"));
        lc = Lifecycle.open(store, new FakeLowerBuilder(store), new FakeRunner(), new MountTable(), new LocalImageSource(store));
    }

    Set<Digest> blobs() {
        return Set.copyOf(store.blobs().list());
    }

    @Test
    void removesUnreachedBlobsAndDanglingManifestsButNothingNamedOrPinned() throws Exception {
        Digest garbage = TestImages.garbage(store, 99, 5000);
        lc.sheds().create("s", "base", null, null);
        store.names().remove("base"); // still pinned by shed s
        store.names().remove("full"); // full's manifest, config and top layer dangle now
        Set<Digest> before = blobs();

        PrunePlan done = lc.pruner().prune(PruneOptions.DEFAULT, i -> {});

        Set<Digest> removed = new java.util.HashSet<>(before);
        removed.removeAll(blobs());
        assertThat(removed).contains(garbage, images.full.digest());
        assertThat(blobs()).contains(images.base.digest(), images.extensions.digest());
        assertThat(done.items()).filteredOn(i -> i.kind() == PruneItem.Kind.BLOB).hasSize(removed.size());
        assertThat(done.bytes()).isPositive();
        assertThat(lc.verifier().verify().problems()).isEmpty();
        // the shed's pin kept base's blobs although no name reaches them
        assertThat(lc.verifier().verify().pins()).isEqualTo(1);
        assertThat(lc.pruner().plan(PruneOptions.DEFAULT).items()).as("a second prune finds nothing").isEmpty();
    }

    /**
     * A guest kernel and initrd named only by manifest annotations (io.shed.kernel.digest / io.shed.initrd.digest,
     * what KernelLocator boots from) belong to the image: prune kept only config and layers and deleted them.
     * Oracle: the blob files under blobs/sha256/ named by a JDK SHA-256 of the bytes written.
     */
    @Test
    void keepsKernelAndInitrdNamedByAnnotationWhileTheImageIsKept() throws Exception {
        byte[] kernelBytes = TestImages.noise(41, 300_000);
        byte[] initrdBytes = TestImages.noise(42, 100_000);
        Path kernelFile = blobFile(kernelBytes);
        Path initrdFile = blobFile(initrdBytes);
        Digest vm;
        try (var session = store.writeSession()) {
            store.blobs().put(kernelBytes);
            store.blobs().put(initrdBytes);
            com.fasterxml.jackson.databind.node.ObjectNode m =
                    (com.fasterxml.jackson.databind.node.ObjectNode) dev.shed.core.json.Json.parseObject(store.blobs().read(images.base.digest()), "base");
            m.putObject("annotations").put("io.shed.kernel.digest", "sha256:" + sha256(kernelBytes))
                    .put("io.shed.initrd.digest", "sha256:" + sha256(initrdBytes));
            byte[] raw = dev.shed.core.json.Json.bytes(m);
            vm = store.blobs().put(raw);
            store.names().put("vm", new dev.shed.core.oci.Descriptor(images.base.mediaType(), vm, raw.length));
        }

        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(kernelFile).as("kernel of a named image").exists();
        assertThat(initrdFile).as("initrd of a named image").exists();
        assertThat(lc.verifier().verify().problems()).isEmpty();

        lc.sheds().create("s", "vm", null, null);
        store.names().remove("vm");
        lc.pruner().prune(new PruneOptions(true, false, false), i -> {});
        assertThat(kernelFile).as("kernel of an image a shed pins, after prune -a").exists();
        assertThat(initrdFile).exists();
        assertThat(lc.verifier().verify().problems()).isEmpty();

        Files.delete(kernelFile);
        assertThat(lc.verifier().verify().problems()).as("verify misses a lost kernel")
                .containsExactly("shed s: blob sha256:" + sha256(kernelBytes) + " (boot) is missing");
        store.blobs().put(kernelBytes);

        lc.sheds().remove("s", false);
        lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(kernelFile).as("kernel once nothing names or pins the image").doesNotExist();
        assertThat(initrdFile).doesNotExist();
        assertThat(store.blobs().list()).doesNotContain(vm);
    }

    private Path blobFile(byte[] bytes) throws Exception {
        return tmp.resolve("store/blobs/sha256/" + sha256(bytes));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void dryRunPlansExactlyWhatPruneRemoves() throws Exception {
        TestImages.garbage(store, 1, 100);
        TestImages.garbage(store, 2, 200);
        lc.lowers().ensure(images.full.digest());
        store.names().remove("full");
        Set<Digest> before = blobs();
        PrunePlan plan = lc.pruner().plan(PruneOptions.DEFAULT);
        assertThat(blobs()).as("a dry run removes nothing").isEqualTo(before);
        assertThat(Files.exists(store.layout().erofsLower(images.full.digest()))).isTrue();
        PrunePlan done = lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(done.items()).containsExactlyElementsOf(plan.items());
        assertThat(plan.count(PruneItem.Kind.LOWER)).isEqualTo(1);
    }

    @Test
    void cacheOnlyLeavesEveryBlobAndEvictsOnlyOrphanedLowers() throws Exception {
        Digest garbage = TestImages.garbage(store, 7, 1000);
        lc.lowers().ensure(images.base.digest());
        lc.lowers().ensure(images.full.digest());
        store.names().remove("full");
        Set<Digest> before = blobs();
        lc.pruner().prune(new PruneOptions(false, true, false), i -> {});
        assertThat(blobs()).isEqualTo(before).contains(garbage);
        assertThat(Files.exists(store.layout().erofsLower(images.full.digest()))).isFalse();
        assertThat(Files.exists(store.layout().erofsLower(images.base.digest()))).as("named: not orphaned").isTrue();
    }

    @Test
    void layerCacheLeavesPinnedLowersAndEveryBlob() throws Exception {
        lc.sheds().create("pinned", "extensions", null, null);
        lc.lowers().ensure(images.base.digest());
        lc.lowers().ensure(images.full.digest());
        Path legacy = store.layout().legacyExt4(images.base.digest()); // any digest-named .ext4 is accounted as legacy
        Files.createDirectories(legacy.getParent());
        Files.write(legacy, new byte[4096]);
        Set<Digest> before = blobs();
        PrunePlan done = lc.pruner().prune(new PruneOptions(false, false, true), i -> {});
        assertThat(blobs()).isEqualTo(before);
        assertThat(Files.exists(store.layout().erofsLower(images.extensions.digest()))).isTrue();
        assertThat(Files.exists(store.layout().erofsLower(images.base.digest()))).isFalse();
        assertThat(Files.exists(store.layout().erofsLower(images.full.digest()))).isFalse();
        assertThat(Files.exists(legacy)).isFalse();
        assertThat(done.count(PruneItem.Kind.LOWER)).isEqualTo(2);
        assertThat(done.count(PruneItem.Kind.LEGACY_EXT4)).isEqualTo(1);
    }

    @Test
    void allRemovesNamedImagesNoShedUsesThenTheirBlobs() throws Exception {
        lc.sheds().create("s", "base", null, null);
        PrunePlan done = lc.pruner().prune(new PruneOptions(true, false, false), i -> {});
        assertThat(store.names().list()).extracting(n -> n.name()).containsExactly("docker.io/library/base:latest");
        assertThat(done.items()).filteredOn(i -> i.kind() == PruneItem.Kind.IMAGE_NAME).extracting(PruneItem::what)
                .containsExactlyInAnyOrder("docker.io/library/extensions:latest", "docker.io/library/full:latest");
        assertThat(blobs()).doesNotContain(images.full.digest(), images.extensions.digest()).contains(images.base.digest());
        assertThat(lc.verifier().verify().problems()).isEmpty();
        assertThatThrownBy(() -> new PruneOptions(true, true, false)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void staleIngestIsRemovedButAnIngestInProgressIsNot() throws Exception {
        Path ingest = store.layout().ingestDir();
        Files.createDirectories(ingest);
        Digest abandoned = Digest.of(TestImages.noise(5, 10));
        Files.write(ingest.resolve(abandoned.hex() + ".partial"), new byte[3]);
        Path oldTmp = store.layout().tmpDir().resolve("leftover");
        Files.createDirectories(oldTmp.getParent());
        Files.write(oldTmp, new byte[10]);
        Files.setLastModifiedTime(oldTmp, FileTime.from(Instant.now().minusSeconds(7200)));
        Path freshTmp = store.layout().tmpDir().resolve("fresh");
        Files.write(freshTmp, new byte[10]);

        byte[] live = TestImages.noise(6, 100);
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch pruned = new CountDownLatch(1);
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try (BlobWriter w = store.blobs().writer(Digest.of(live), live.length, false)) {
                w.write(live, 0, 50);
                writing.countDown();
                pruned.await();
                w.write(live, 50, 50);
                w.commit();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        writing.await();
        PrunePlan done = lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        pruned.countDown();
        writer.get();
        assertThat(done.items()).extracting(PruneItem::path)
                .contains(ingest.resolve(abandoned.hex() + ".partial"), oldTmp)
                .doesNotContain(ingest.resolve(Digest.of(live).hex() + ".partial"), freshTmp);
        assertThat(store.blobs().exists(Digest.of(live))).isTrue();
        assertThat(Files.exists(freshTmp)).isTrue();
    }

    @Test
    void orphanedShedDirectoriesAreLeftoversToo() throws Exception {
        Path orphan = store.layout().shedsDir().resolve("ghost").resolve("upper");
        Files.createDirectories(orphan);
        Files.writeString(orphan.resolve("f"), "x");
        PrunePlan done = lc.pruner().prune(PruneOptions.DEFAULT, i -> {});
        assertThat(done.items()).extracting(PruneItem::path).contains(store.layout().shedsDir().resolve("ghost"));
        assertThat(Files.exists(orphan)).isFalse();
    }
}
