package dev.shed.core.materialize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.flatten.TreeSnapshotAccess;
import dev.shed.core.layer.LayerFormatException;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Materialize end to end on a real store: cache key, reuse, locking, legacy files, hostile layers, oracles. */
class MaterializerTest {
    @TempDir
    Path tmp;

    static final MaterializeOptions MKFS = MaterializeOptions.defaults().withBackend(MaterializeOptions.Backend.MKFS_EROFS);

    private Descriptor smallImage(OciLayoutBuilder layout) throws Exception {
        return layout.image("small", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/hostname", "shed\n")),
                OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file("etc/motd", "hi\n").whiteout("etc/hostname")));
    }

    @Test
    void buildsOnceThenReusesAndRebuildsWhenAParameterChanges() throws Exception {
        Integration.requireTool("mkfs.erofs");
        Integration.requireRoot();
        buildsOnceThenReusesAndRebuilds(MKFS, "mkfs.erofs", "mkfs.erofs ");
    }

    @Test
    void javaBackendBuildsOnceThenReusesAndRebuildsWhenAParameterChanges() throws Exception {
        buildsOnceThenReusesAndRebuilds(MaterializeOptions.defaults(), "java", JavaErofsBuilder.WRITER_FORMAT);
    }

    private void buildsOnceThenReusesAndRebuilds(MaterializeOptions base, String backend, String writer) throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = smallImage(layout).digest();
        Store store = Store.open(layout.dir());

        Materializer lz4hc = new Materializer(store, base, Progress.NONE);
        assertThat(lz4hc.isCurrent(m)).isFalse();
        Lower first = lz4hc.materialize(m);
        assertThat(first.built()).isTrue();
        assertThat(first.path()).isEqualTo(store.layout().erofsLower(m));
        assertThat(first.size()).isEqualTo(Files.size(first.path()));
        assertThat(lz4hc.isCurrent(m)).isTrue();
        LowerRecord rec = LowerRecord.parse(Files.readAllBytes(store.layout().erofsLowerRecord(m)));
        assertThat(rec.compression()).isEqualTo("lz4hc");
        assertThat(rec.level()).isEqualTo(dev.shed.erofs.Compression.LZ4HC_DEFAULT_LEVEL);
        assertThat(rec.backend()).isEqualTo(backend);
        assertThat(rec.writer()).startsWith(writer);
        long firstMtime = Files.getLastModifiedTime(first.path()).toMillis();

        Lower again = lz4hc.materialize(m);
        assertThat(again.built()).isFalse();
        assertThat(again.path()).isEqualTo(first.path());
        assertThat(Files.getLastModifiedTime(first.path()).toMillis()).as("reused, not rewritten").isEqualTo(firstMtime);

        Materializer lz4 = new Materializer(store, base.withCompression(MaterializeOptions.Compression.LZ4), Progress.NONE);
        assertThat(lz4.isCurrent(m)).as("a lower built with lz4hc is stale for lz4").isFalse();
        assertThat(lz4.materialize(m).built()).isTrue();
        assertThat(lz4hc.isCurrent(m)).isFalse();
        assertThat(LowerRecord.parse(Files.readAllBytes(store.layout().erofsLowerRecord(m))).compression()).isEqualTo("lz4");

        // a lower whose record is missing (crash between rename and record) is never served
        Files.delete(store.layout().erofsLowerRecord(m));
        assertThat(lz4.isCurrent(m)).isFalse();
        assertThat(lz4.materialize(m).built()).isTrue();
        // nothing left behind in scratch space
        try (var s = Files.list(store.layout().tmpDir())) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void twoConcurrentCallersBuildOnce() throws Exception {
        Integration.requireTool("mkfs.erofs");
        twoConcurrentCallersBuildOnce(MKFS);
    }

    @Test
    void twoConcurrentCallersBuildOnceWithTheJavaBackend() throws Exception {
        twoConcurrentCallersBuildOnce(MaterializeOptions.defaults());
    }

    private void twoConcurrentCallersBuildOnce(MaterializeOptions options) throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = smallImage(layout).digest();
        Store store = Store.open(layout.dir());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Lower>> both = pool.invokeAll(List.of(
                    () -> new Materializer(store, options, Progress.NONE).materialize(m),
                    () -> new Materializer(store, options, Progress.NONE).materialize(m)));
            assertThat(both.get(0).get().built() ^ both.get(1).get().built()).as("exactly one built").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void legacyExt4FilesAreListedButNeverServed() throws Exception {
        Integration.requireTool("mkfs.erofs");
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Descriptor md = smallImage(layout);
        Store store = Store.open(layout.dir());
        Digest layer = Digest.of("some layer".getBytes());
        Files.createDirectories(store.layout().cacheDir());
        Files.write(store.layout().legacyExt4(layer), new byte[4096]);
        // an .ext4 named like the manifest must not satisfy a lower request either
        Files.write(store.layout().cacheDir().resolve(md.digest().hex() + ".ext4"), new byte[8192]);
        LegacyCache legacy = new LegacyCache(store.layout());
        assertThat(legacy.list()).extracting(LegacyCache.Ext4File::layer).containsExactlyInAnyOrder(layer, md.digest());
        assertThat(legacy.totalBytes()).isEqualTo(4096 + 8192);
        Materializer mat = new Materializer(store, MKFS, Progress.NONE);
        assertThat(mat.isCurrent(md.digest())).isFalse();
        Lower lower = mat.materialize(md.digest());
        assertThat(lower.path().getFileName().toString()).endsWith(".erofs");
        assertThat(Files.readAllBytes(lower.path())).isNotEqualTo(new byte[8192]);
    }

    @Test
    void hostileLayersFailNamingLayerAndEntryAndLeaveNoCacheFile() throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        var symlinkParent = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().symlink("etc", "/tmp").file("etc/passwd", "pwned"));
        Digest m = layout.image("hostile", symlinkParent).digest();
        Store store = Store.open(layout.dir());
        Materializer mat = new Materializer(store, MKFS, Progress.NONE);
        Digest layerDigest = Digest.of(symlinkParent.bytes());
        assertThatThrownBy(() -> mat.materialize(m)).isInstanceOf(LayerFormatException.class)
                .hasMessageContaining(layerDigest.toString()).hasMessageContaining("'etc/passwd'");
        assertThat(Files.exists(store.layout().erofsLower(m))).isFalse();
        assertThat(Files.exists(store.layout().erofsLowerRecord(m))).isFalse();
        try (var s = Files.list(store.layout().tmpDir())) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void aThreeGibibyteSparseFileFromGnuTarMountsWithTheSourcesContentAndAStillSmallLower() throws Exception {
        Integration.requireTool("tar");
        Integration.requireTool("sha256sum");
        Integration.requireRoot();
        Path src = Files.createDirectories(tmp.resolve("src/var/lib"));
        Path disk = dev.shed.core.layer.ThreeGibSparse.make(src.resolve("disk.img"));
        String expected = Processes.check(null, "sha256sum", disk.toString()).substring(0, 64);
        Path tar = tmp.resolve("layer.tar");
        Processes.check(tmp.resolve("src"), "tar", "--sparse", "--format=posix", "-cf", tar.toString(), "var");
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("sparse", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder()),
                new OciLayoutBuilder.Layer(dev.shed.core.oci.MediaType.OCI_LAYER_TAR, Files.readAllBytes(tar))).digest();
        Files.delete(disk); // the source's digest is known; free the page cache's worth of zeros for the mount
        Lower lower = new Materializer(Store.open(layout.dir()), MaterializeOptions.defaults(), Progress.NONE).materialize(m);
        assertThat(lower.size()).as("holes compress away").isLessThan(64L << 20);
        ErofsOracle.mounted(lower.path(), tmp.resolve("mnt"), mnt -> {
            Path mounted = mnt.resolve("var/lib/disk.img");
            assertThat(Files.size(mounted)).isEqualTo(dev.shed.core.layer.ThreeGibSparse.SIZE);
            assertThat(Processes.check(null, "sha256sum", mounted.toString()).substring(0, 64)).isEqualTo(expected);
        });
    }

    @Test
    void overlongNamesAndOverdeepPathsFailInOneShortLineNamingLayerAndEntry() throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        String longName = "n".repeat(300);
        var longLayer = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/" + longName, "x"));
        Digest m = layout.image("long", longLayer).digest();
        Store store = Store.open(layout.dir());
        assertThatThrownBy(() -> new Materializer(store, MaterializeOptions.defaults(), Progress.NONE).materialize(m))
                .isInstanceOf(LayerFormatException.class)
                .hasMessageStartingWith("layer " + Digest.of(longLayer.bytes()) + " entry 'etc/nnnn")
                .hasMessageContaining("300 bytes")
                .extracting(Throwable::getMessage).matches(msg -> msg.length() < 400 && !msg.contains("\n"), "short, one line");
        assertNothingCached(store, m);

        Integration.requireTool("mkfs.erofs");
        String deep = "d/".repeat(3000) + "leaf";
        var deepLayer = OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file(deep, "deep"));
        Digest d = layout.image("deep", deepLayer).digest();
        assertThatThrownBy(() -> new Materializer(store, MKFS, Progress.NONE).materialize(d))
                .hasMessageStartingWith("layer " + Digest.of(deepLayer.bytes()) + " entry 'd/d/d/")
                .hasMessageContaining("/d/d/leaf'").hasMessageContaining("too long")
                .extracting(Throwable::getMessage).matches(msg -> msg.length() < 400 && !msg.contains("\n"), "short, one line");
        assertNothingCached(store, d);
    }

    @Test
    void aCorruptedLayerBlobIsRefusedNamingImageAndLayerAndLeavesNothingInTheCache() throws Exception {
        for (MaterializeOptions options : List.of(MaterializeOptions.defaults(), MKFS)) {
            if (options == MKFS) Integration.requireTool("mkfs.erofs");
            Path root = tmp.resolve("store-" + options.backend().cliName());
            OciLayoutBuilder layout = new OciLayoutBuilder(root);
            OciLayoutBuilder.Layer plain = OciLayoutBuilder.Layer.tar(new TarLayerBuilder().dir("etc").file("etc/motd", "the real content"));
            Digest m = layout.image("flipped", plain).digest();
            Digest layer = Digest.of(plain.bytes());
            Path blob = root.resolve("blobs/sha256").resolve(layer.hex());
            byte[] bytes = Files.readAllBytes(blob);
            bytes[bytes.length - 1024 - 512 - 1] ^= 1; // in the tar's last data block, as a bad disk would
            blob.toFile().setWritable(true);
            Files.write(blob, bytes);
            Store store = Store.open(root);
            assertThatThrownBy(() -> new Materializer(store, options, Progress.NONE).materialize(m))
                    .isInstanceOf(dev.shed.core.layer.LayerIntegrityException.class)
                    .hasMessageContaining("image " + m).hasMessageContaining("layer " + layer)
                    .hasMessageContaining(Digest.of(bytes).toString());
            assertNothingCached(store, m);
        }
    }

    @Test
    void diffIdsThatDoNotMatchTheLayersAreRefusedAndLeaveNothingInTheCache() throws Exception {
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        TarLayerBuilder t = new TarLayerBuilder().file("a", "a");
        Descriptor good = layout.image("good", OciLayoutBuilder.Layer.gzip(t));
        Store store = Store.open(layout.dir());
        var manifest = dev.shed.core.oci.Manifest.parse(store.blobs().read(good.digest()), null);
        String config = new String(store.blobs().read(manifest.config().digest()), java.nio.charset.StandardCharsets.UTF_8);
        Digest wrong = Digest.of("some other tar".getBytes());
        String rightId = dev.shed.core.json.Json.parseObject(config.getBytes(), "c").get("rootfs").get("diff_ids").get(0).asText();
        Descriptor badConfig = layout.blob(manifest.config().mediaType(), config.replace(rightId, wrong.toString()).getBytes());
        Descriptor bad = layout.blob(dev.shed.core.oci.MediaType.OCI_MANIFEST,
                dev.shed.core.image.build.ImageAssembler.manifest(badConfig, manifest.layers()));
        layout.name("bad", bad);
        assertThatThrownBy(() -> new Materializer(store, MaterializeOptions.defaults(), Progress.NONE).materialize(bad.digest()))
                .isInstanceOf(dev.shed.core.layer.LayerIntegrityException.class)
                .hasMessageContaining("image " + bad.digest()).hasMessageContaining(wrong.toString()).hasMessageContaining(rightId);
        assertNothingCached(store, bad.digest());
        assertThat(new Materializer(store, MaterializeOptions.defaults(), Progress.NONE).materialize(good.digest()).built()).isTrue();
    }

    private static void assertNothingCached(Store store, Digest m) throws Exception {
        assertThat(Files.exists(store.layout().erofsLower(m))).isFalse();
        assertThat(Files.exists(store.layout().erofsLowerRecord(m))).isFalse();
        try (var s = Files.list(store.layout().tmpDir())) {
            assertThat(s.toList()).isEmpty();
        }
    }

    @Test
    void hardlinksToLowerLayersMountAsUmociUnpacksThemWithTheSameInodeGroups() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("links", dev.shed.core.flatten.FlattenCasesAccess.crossLayerLinks()).digest();
        Path bundle = tmp.resolve("bundle");
        Processes.check(null, "umoci", "unpack", "--image", layout.dir() + ":links", bundle.toString());
        Map<String, String> want = TreeSnapshotAccess.of(bundle.resolve("rootfs"));
        assertThat(want.get("x/hl-link")).contains("link=l/hl"); // the oracle has the groups the case was built for
        Store store = Store.open(layout.dir());
        for (MaterializeOptions options : List.of(MaterializeOptions.defaults(), MKFS)) {
            if (options == MKFS) Integration.requireTool("mkfs.erofs");
            Lower lower = new Materializer(store, options, Progress.NONE).materialize(m);
            ErofsOracle.mounted(lower.path(), tmp.resolve("mnt-" + options.backend().cliName()), mnt ->
                    assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).as(options.backend().cliName()).isEmpty());
        }
    }

    @Test
    void javaLowerEqualsUmociUnpackViaKernelAndFsckForEveryCompression() throws Exception {
        lowerEqualsUmociUnpack(MaterializeOptions.Backend.JAVA);
    }

    @Test
    void mkfsBackendLowerEqualsUmociUnpackViaKernelAndFsck() throws Exception {
        Integration.requireTool("mkfs.erofs");
        lowerEqualsUmociUnpack(MaterializeOptions.Backend.MKFS_EROFS);
    }

    private void lowerEqualsUmociUnpack(MaterializeOptions.Backend backend) throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        layout.image("oracle", dev.shed.core.flatten.FlattenCasesAccess.kitchenSink(true));
        Digest m = layout.image("sink", dev.shed.core.flatten.FlattenCasesAccess.kitchenSink(false)).digest();
        Path bundle = tmp.resolve("bundle");
        Processes.check(null, "umoci", "unpack", "--image", layout.dir() + ":oracle", bundle.toString());
        Map<String, String> want = TreeSnapshotAccess.of(bundle.resolve("rootfs"));

        Store store = Store.open(layout.dir());
        for (MaterializeOptions.Compression c : MaterializeOptions.Compression.values()) {
            Lower lower = new Materializer(store, MaterializeOptions.defaults().withBackend(backend).withCompression(c), Progress.NONE)
                    .materialize(m);
            ErofsOracle.mounted(lower.path(), tmp.resolve("mnt-" + c),
                    mnt -> assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).as("kernel mount, " + c).isEmpty());
            Path extracted = ErofsOracle.fsckExtract(lower.path(), tmp.resolve("fsck-" + c));
            assertThat(TreeSnapshotAccess.diff(TreeSnapshotAccess.asFsckExtracts(want),
                    TreeSnapshotAccess.asFsckExtracts(TreeSnapshotAccess.of(extracted)))).as("fsck.erofs --extract, " + c).isEmpty();
        }
    }

    @Test
    void binaryCapabilityXattrsReachTheMountedLowerExactly() throws Exception {
        Integration.requireTool("setfattr");
        Integration.requireRoot();
        Path src = Files.createDirectories(tmp.resolve("src/usr/bin"));
        Path ping = Files.writeString(src.resolve("ping"), "ping binary");
        String cap = "0x0100000200200000000000000000000000000000"; // cap_net_raw+p
        Processes.check(null, "setfattr", "-n", "security.capability", "-v", cap, ping.toString());
        Processes.check(null, "setfattr", "-n", "trusted.bin", "-v", "0xff00fe80", ping.toString());
        Path tar = tmp.resolve("layer.tar");
        Processes.check(tmp.resolve("src"), "tar", "--xattrs", "--xattrs-include=*", "--format=pax", "-cf", tar.toString(), "usr");
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("caps", new OciLayoutBuilder.Layer(dev.shed.core.oci.MediaType.OCI_LAYER_TAR, Files.readAllBytes(tar))).digest();
        Lower lower = new Materializer(Store.open(layout.dir()), MaterializeOptions.defaults(), Progress.NONE).materialize(m);
        ErofsOracle.mounted(lower.path(), tmp.resolve("mnt"), mnt -> {
            String got = Processes.check(null, "getfattr", "-h", "-d", "-m", "-", "-e", "hex", mnt.resolve("usr/bin/ping").toString());
            assertThat(got).contains("security.capability=" + cap).contains("trusted.bin=0xff00fe80");
        });
    }

    @Test
    void aRootEntryGivesTheImageRootItsMetadata() throws Exception {
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("rooted",
                OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().mtime(1_500_000_000L).dir("./", 0711).file("./a", "a")),
                OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().file("b", "b"))).digest();
        Lower lower = new Materializer(Store.open(layout.dir()), MaterializeOptions.defaults(), Progress.NONE).materialize(m);
        ErofsOracle.mounted(lower.path(), tmp.resolve("mnt"), mnt -> {
            assertThat(Integer.toOctalString((Integer) Files.getAttribute(mnt, "unix:mode") & 07777)).isEqualTo("711");
            assertThat(Files.getLastModifiedTime(mnt).toMillis()).isEqualTo(1_500_000_000_000L);
            assertThat(mnt.resolve("a")).exists();
            assertThat(mnt.resolve("b")).exists();
        });
    }

    @Test
    void javaLowersAreByteIdenticalAcrossStoresAndRuns() throws Exception {
        byte[] first = null;
        for (int i = 0; i < 2; i++) {
            OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store" + i));
            Digest m = layout.image("sink", dev.shed.core.flatten.FlattenCasesAccess.kitchenSink(false)).digest();
            Lower lower = new Materializer(Store.open(layout.dir()), MaterializeOptions.defaults(), Progress.NONE).materialize(m);
            byte[] bytes = Files.readAllBytes(lower.path());
            if (first == null) first = bytes;
            else assertThat(java.util.Arrays.equals(first, bytes)).as("same manifest, same bytes").isTrue();
        }
    }

    @Test
    void bigDirectoryAndMostlyZeroFileMountAsUmociUnpacks() throws Exception {
        Integration.requireTool("umoci");
        Integration.requireRoot();
        OciLayoutBuilder layout = new OciLayoutBuilder(tmp.resolve("store"));
        Digest m = layout.image("big", dev.shed.core.flatten.FlattenCasesAccess.bigCases()).digest();
        Path bundle = tmp.resolve("bundle");
        Processes.check(null, "umoci", "unpack", "--image", layout.dir() + ":big", bundle.toString());
        Map<String, String> want = TreeSnapshotAccess.of(bundle.resolve("rootfs"));
        Lower lower = new Materializer(Store.open(layout.dir()), MaterializeOptions.defaults(), Progress.NONE).materialize(m);
        assertThat(lower.size()).as("zeros compress").isLessThan(64L << 20);
        ErofsOracle.mounted(lower.path(), tmp.resolve("mnt"),
                mnt -> assertThat(TreeSnapshotAccess.diff(want, TreeSnapshotAccess.of(mnt))).isEmpty());
    }
}
