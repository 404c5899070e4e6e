package dev.shed.core.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.flatten.TreeSnapshotAccess;
import dev.shed.core.layer.LayerFormatException;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Shared lowers (metadata image over per-layer data devices) against oracles no one here wrote: the kernel mount
 * of image + devices must equal {@code umoci unpack} of the same image (fsck.erofs cannot read data on extra
 * devices, so the kernel is the reader). Also: reproducible bytes, devices shared across manifests, and a
 * metadata-only rebuild that needs no layer blob at all.
 */
class SharedLowerTest {
    @TempDir
    Path tmp;

    static MaterializeOptions shared(MaterializeOptions.Compression c) {
        return MaterializeOptions.defaults().withCompression(c).withLayout(MaterializeOptions.Layout.SHARED);
    }

    private Map<String, String> umoci(OciLayoutBuilder layout, String tag) throws Exception {
        Path bundle = tmp.resolve("bundle-" + tag);
        Processes.check(null, "umoci", "unpack", "--image", layout.dir() + ":" + tag, bundle.toString());
        return TreeSnapshotAccess.of(bundle.resolve("rootfs"));
    }

    @Test
    void kernelMountOfMetadataAndDevicesEqualsUmociUnpackForEveryCompression() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        layout.image("oracle", SharedFixtures.everything(true));
        Digest m = layout.image("sink", SharedFixtures.everything(false)).digest();
        Map<String, String> want = umoci(layout, "oracle");
        assertThat(want).containsKeys("blobs/hl-link", "blobs/upper-text", "data/keep").doesNotContainKey("blobs/hidden");
        Store store = Store.open(layout.dir());
        for (MaterializeOptions.Compression c : MaterializeOptions.Compression.values()) {
            Lower lower = new Materializer(store, shared(c), Progress.NONE).materialize(m);
            assertThat(lower.built()).isTrue();
            assertThat(lower.devices()).as("the data layers have blocks on devices").hasSizeGreaterThanOrEqualTo(2);
            for (Path d : lower.devices()) assertThat(d).startsWith(store.layout().layerDevicesDir()).exists();
            LowerRecord rec = LowerRecord.read(store.layout(), m);
            assertThat(rec.layout()).isEqualTo("shared");
            assertThat(rec.devicePaths(store.layout())).isEqualTo(lower.devices());
            long deviceBytes = 0;
            for (Path d : lower.devices()) deviceBytes += Files.size(d);
            assertThat(lower.size()).as("the metadata image holds no file data").isLessThan(deviceBytes);
            ErofsOracle.mountedLower(lower, tmp.resolve("mnt-" + c),
                    mnt -> assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).as("kernel mount, " + c).isEmpty());
            ErofsOracle.fsckStructure(lower);
            assertThat(new Materializer(store, shared(c), Progress.NONE).materialize(m).built()).as("reused").isFalse();
        }
    }

    @Test
    void bigDirectoryAndMostlyZeroFileMountAsUmociUnpacks() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("big", dev.shed.core.flatten.FlattenCasesAccess.bigCases()).digest();
        Map<String, String> want = umoci(layout, "big");
        Lower lower = new Materializer(Store.open(layout.dir()), shared(MaterializeOptions.Compression.LZ4HC), Progress.NONE)
                .materialize(m);
        ErofsOracle.mountedLower(lower, tmp.resolve("mnt"),
                mnt -> assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).isEmpty());
    }

    @Test
    void metadataImagesAreByteIdenticalAcrossStoresAndDevicesAcrossManifests() throws Exception {
        OciLayoutBuilder.Layer[] data = SharedFixtures.dataLayers();
        OciLayoutBuilder a = new OciLayoutBuilder(tmp.resolve("a"));
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("b"));
        Digest x = a.image("x", data[0], data[1]).digest();
        Digest y = b.image("y", data[0], SharedFixtures.top("other", 70_000, 9)).digest();
        assertThat(b.image("x", data[0], data[1]).digest()).isEqualTo(x);
        MaterializeOptions opts = shared(MaterializeOptions.Compression.LZ4HC);
        Store sa = Store.open(a.dir());
        Store sb = Store.open(b.dir());
        Lower xa = new Materializer(sa, opts, Progress.NONE).materialize(x);
        Lower yb = new Materializer(sb, opts, Progress.NONE).materialize(y);
        // the base layer's device in b was built for y, in a for x: same bytes
        Path baseA = xa.devices().get(0);
        Path baseB = yb.devices().get(0);
        assertThat(baseA.getFileName()).isEqualTo(baseB.getFileName());
        assertThat(Arrays.equals(Files.readAllBytes(baseA), Files.readAllBytes(baseB))).as("same layer, same device").isTrue();
        assertThat(Arrays.equals(Files.readAllBytes(Path.of(baseA + ".idx")), Files.readAllBytes(Path.of(baseB + ".idx")))).isTrue();
        // x in b reuses the base device built for y and gives the same metadata image as in a
        long baseInode = inode(baseB);
        Lower xb = new Materializer(sb, opts, Progress.NONE).materialize(x);
        assertThat(inode(xb.devices().get(0))).as("the shared device was not rebuilt").isEqualTo(baseInode);
        assertThat(Arrays.equals(Files.readAllBytes(xa.path()), Files.readAllBytes(xb.path()))).as("same manifest, same bytes").isTrue();
    }

    @Test
    void aManifestWhoseDevicesExistIsRebuiltFromIndexesWithoutItsLayerBlobs() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        layout.image("oracle", SharedFixtures.everything(true));
        Digest m = layout.image("sink", SharedFixtures.everything(false)).digest();
        Map<String, String> want = umoci(layout, "oracle");
        Store store = Store.open(layout.dir());
        MaterializeOptions opts = shared(MaterializeOptions.Compression.LZ4);
        Lower first = new Materializer(store, opts, Progress.NONE).materialize(m);
        byte[] image = Files.readAllBytes(first.path());
        Files.delete(store.layout().erofsLowerRecord(m));
        Files.delete(first.path());
        // without a single layer blob, nothing can be read or decompressed: only the indexes are left
        for (var d : Manifest.parse(store.blobs().read(m), null).layers()) Files.deleteIfExists(store.layout().blob(d.digest()));
        Lower again = new Materializer(store, opts, Progress.NONE).materialize(m);
        assertThat(again.built()).isTrue();
        assertThat(again.devices()).isEqualTo(first.devices());
        assertThat(Arrays.equals(Files.readAllBytes(again.path()), image)).as("same metadata image").isTrue();
        ErofsOracle.mountedLower(again, tmp.resolve("mnt"),
                mnt -> assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).isEmpty());
    }

    @Test
    void aMissingDeviceMakesTheLowerStaleAndIsRebuilt() throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("x", SharedFixtures.dataLayers()).digest();
        Store store = Store.open(layout.dir());
        Materializer mat = new Materializer(store, shared(MaterializeOptions.Compression.LZ4HC), Progress.NONE);
        Lower first = mat.materialize(m);
        byte[] dev = Files.readAllBytes(first.devices().get(0));
        Files.delete(first.devices().get(0));
        assertThat(mat.isCurrent(m)).isFalse();
        Lower again = mat.materialize(m);
        assertThat(again.built()).isTrue();
        assertThat(Arrays.equals(Files.readAllBytes(again.devices().get(0)), dev)).isTrue();
        // a torn index (crash while it was written would leave none, but a damaged one) is not trusted either
        Path idx = Path.of(again.devices().get(1) + ".idx");
        byte[] raw = Files.readAllBytes(idx);
        raw[raw.length / 2] ^= 1;
        Files.write(idx, raw);
        Files.delete(store.layout().erofsLowerRecord(m));
        assertThat(mat.materialize(m).built()).isTrue();
        assertThat(Files.readAllBytes(idx)).isNotEqualTo(raw);
    }

    @Test
    void aMergeRuleBrokenInALayerIsNamedFromItsIndexAndLeavesNoLower() throws Exception {
        // the data device is built (its layer is a valid tar), then the merge over the index refuses the entry and
        // names it by its tar name, decoded from the index only for the message
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        var symlinkParent = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().symlink("etc", "/tmp").file("etc/passwd", "pwned"));
        Digest m = layout.image("hostile", symlinkParent).digest();
        Store store = Store.open(layout.dir());
        Materializer mat = new Materializer(store, shared(MaterializeOptions.Compression.LZ4HC), Progress.NONE);
        for (int attempt = 0; attempt < 2; attempt++) {   // the second from the device and index the first one left
            assertThatThrownBy(() -> mat.materialize(m)).isInstanceOf(LayerFormatException.class)
                    .hasMessageContaining(Digest.of(symlinkParent.bytes()).toString()).hasMessageContaining("'etc/passwd'")
                    .hasMessageContaining("write through");
            assertThat(store.layout().erofsLower(m)).doesNotExist();
            assertThat(store.layout().erofsLowerRecord(m)).doesNotExist();
        }
        assertThat(list(store.layout().layerDevicesDir())).hasSize(2);
    }

    @Test
    void flatAndSharedRecordsAreDistinctKeys() throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("x", SharedFixtures.dataLayers()).digest();
        Store store = Store.open(layout.dir());
        Materializer flat = new Materializer(store, MaterializeOptions.defaults().withLayout(MaterializeOptions.Layout.FLAT), Progress.NONE);
        Materializer sharedMat = new Materializer(store, shared(MaterializeOptions.Compression.LZ4HC), Progress.NONE);
        assertThat(flat.materialize(m).devices()).isEmpty();
        assertThat(sharedMat.isCurrent(m)).isFalse();
        assertThat(sharedMat.materialize(m).devices()).hasSize(2);
        assertThat(flat.isCurrent(m)).isFalse();
        assertThat(LowerRecord.read(store.layout(), m).devices()).extracting(LowerRecord.Device::path)
                .allMatch(p -> p.startsWith("cache/layers/sha256/") && p.endsWith(".erofsdev"));
    }

    private static long inode(Path p) throws Exception {
        return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
    }

    static List<Path> list(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return List.of();
        try (var s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }
}
