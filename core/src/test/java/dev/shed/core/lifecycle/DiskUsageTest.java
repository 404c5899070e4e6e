package dev.shed.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.gc.DiskUsage;
import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.image.ImageReader;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.shed.LocalImageSource;
import dev.shed.core.shed.MountTable;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code shed image df} figures against du(1) over the files they describe. */
class DiskUsageTest {
    @TempDir
    Path tmp;

    @Test
    void figuresEqualDuSumsOfTheirFiles() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        TestImages images = TestImages.importInto(store, tmp.resolve("layout"));
        Lifecycle lc = Lifecycle.open(store, new FakeLowerBuilder(store), new FakeRunner(), new MountTable(), new LocalImageSource(store));
        lc.sheds().create("dev", "base", null, null);
        lc.lowers().ensure(images.full.digest());
        Digest garbage = TestImages.garbage(store, 42, 12_345);
        Path legacy = store.layout().legacyExt4(Digest.of(new byte[] {1}));
        Files.write(legacy, new byte[70_000]);
        Files.createDirectories(store.layout().ingestDir());
        Files.write(store.layout().ingestDir().resolve(Digest.of(new byte[] {2}).hex() + ".partial"), new byte[3_333]);
        Files.createDirectories(store.layout().tmpDir());
        Files.write(store.layout().tmpDir().resolve("scratch"), new byte[777]);

        DiskUsage.Report r = lc.diskUsage().measure();

        Path blobs = store.layout().blobsDir();
        assertThat(r.blobBytes()).isEqualTo(du(files(blobs)));
        assertThat(r.blobCount()).isEqualTo(files(blobs).size());

        ImageReader reader = new ImageReader(store);
        Manifest full = reader.manifest(images.full);
        Manifest base = reader.manifest(images.base);
        Manifest ext = reader.manifest(images.extensions);
        List<Path> layerFiles = full.layers().stream().map(l -> store.blobs().path(l.digest())).toList();
        assertThat(r.layerBytes()).isEqualTo(du(layerFiles));
        assertThat(r.layerCount()).isEqualTo(3);

        DiskUsage.ImageUsage fullUsage = r.images().stream().filter(i -> i.name().endsWith("/full:latest")).findFirst().orElseThrow();
        List<Path> fullFiles = new ArrayList<>(layerFiles);
        fullFiles.add(store.blobs().path(full.digest()));
        fullFiles.add(store.blobs().path(full.config().digest()));
        assertThat(fullUsage.bytes()).isEqualTo(du(fullFiles));
        // layers 1 and 2 are shared with extensions (and 1 with base); the top layer, config and manifest are full's own
        assertThat(fullUsage.sharedBytes()).isEqualTo(du(layerFiles.subList(0, 2)));
        assertThat(fullUsage.uniqueBytes()).isEqualTo(du(List.of(layerFiles.get(2), store.blobs().path(full.digest()),
                store.blobs().path(full.config().digest()))));
        assertThat(fullUsage.cachedManifests()).isEqualTo(1);
        DiskUsage.ImageUsage baseUsage = r.images().stream().filter(i -> i.name().endsWith("/base:latest")).findFirst().orElseThrow();
        assertThat(baseUsage.inUse()).isEqualTo(1);
        assertThat(baseUsage.sharedBytes()).isEqualTo(du(List.of(store.blobs().path(base.layers().get(0).digest()))));
        assertThat(ext.layers()).hasSize(2);

        assertThat(r.lowerBytes()).isEqualTo(du(globs(store.layout().cacheDir(), ".erofs", ".erofs.json")));
        assertThat(r.lowers()).hasSize(2);
        assertThat(r.legacyExt4Bytes()).isEqualTo(du(List.of(legacy)));
        assertThat(r.tempBytes()).isEqualTo(du(Stream.concat(files(store.layout().ingestDir()).stream(),
                files(store.layout().tmpDir()).stream()).toList()));

        // reclaimable: the garbage blob, the abandoned .partial, the legacy ext4 (its "layer" is referenced by nothing);
        // the fresh tmp file is too young to call abandoned; full's lower is named, so it stays
        var plan = r.reclaimable().get("default");
        assertThat(plan.items()).extracting(PruneItem::kind).containsOnly(PruneItem.Kind.BLOB, PruneItem.Kind.TEMP, PruneItem.Kind.LEGACY_EXT4);
        assertThat(plan.bytes()).isEqualTo(du(plan.items().stream().map(PruneItem::path).toList()));
        assertThat(plan.items()).extracting(PruneItem::path).contains(store.blobs().path(garbage));
        assertThat(r.reclaimable().get("--layer-cache").bytes(PruneItem.Kind.LOWER))
                .as("full's lower is unpinned").isEqualTo(du(List.of(store.layout().erofsLower(full.digest()),
                        store.layout().erofsLowerRecord(full.digest()))));
        assertThat(r.reclaimable().get("--all").count(PruneItem.Kind.IMAGE_NAME)).isEqualTo(2);
        // and prune reclaims exactly what df said
        assertThat(lc.pruner().prune(PruneOptions.DEFAULT, i -> {}).bytes()).isEqualTo(plan.bytes());
    }

    private static long du(List<Path> files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("du", "-cb", "--"));
        files.forEach(f -> cmd.add(f.toString()));
        String out = Processes.check(null, cmd.toArray(String[]::new));
        String last = out.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).endsWith("total");
        return Long.parseLong(last.split("\\s+")[0]);
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static List<Path> globs(Path dir, String... suffixes) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Stream.of(suffixes).anyMatch(x -> p.getFileName().toString().endsWith(x))).toList();
        }
    }

}
