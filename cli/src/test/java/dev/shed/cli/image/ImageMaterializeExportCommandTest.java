package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.testing.Corruption;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageMaterializeExportCommandTest {
    @TempDir
    Path tmp;

    private Path root() {
        return tmp.resolve("root");
    }

    private void storeImage(Layer... layers) throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("app", layers);
        Result build = Shed.run(root(), "image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(build.exit()).as(build.err()).isZero();
    }

    private static Layer[] twoLayers() {
        return new Layer[] {
                Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/keep", "kept").file("etc/gone", "deleted")),
                Layer.zstd(new TarLayerBuilder().whiteout("etc/gone").file("etc/new", "new"))};
    }

    @Test
    void materializePrintsOnlyThePathAndReusesIt() throws Exception {
        storeImage(twoLayers());
        Result first = Shed.run(root(), "image", "materialize", "--quiet", "app");
        assertThat(first.exit()).as(first.err()).isZero();
        List<String> lines = first.out().lines().toList();
        assertThat(lines).hasSize(1);
        Path lower = Path.of(lines.get(0));
        assertThat(lower.getFileName().toString()).endsWith(".erofs");
        assertThat(lower).exists();
        assertThat(lower.resolveSibling(lower.getFileName() + ".json")).exists();
        long mtime = Files.getLastModifiedTime(lower).toMillis();
        Result again = Shed.run(root(), "image", "materialize", "--quiet", "app");
        assertThat(again.out()).isEqualTo(first.out());
        assertThat(Files.getLastModifiedTime(lower).toMillis()).as("reused, not rebuilt").isEqualTo(mtime);
        assertThat(Shed.run(root(), "image", "ls").out()).contains("yes");

        Result lz4 = Shed.run(root(), "image", "materialize", "--quiet", "--compression", "lz4", "app");
        assertThat(lz4.exit()).as(lz4.err()).isZero();
        assertThat(Files.readString(lower.resolveSibling(lower.getFileName() + ".json"))).contains("\"compression\":\"lz4\"");
    }

    @Test
    void sharedLayoutPrintsTheMetadataImageAndItsDevicesInMountOrder() throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(1).nextBytes(big);
        storeImage(Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/big", big, 0644)),
                Layer.zstd(new TarLayerBuilder().file("etc/big2", big, 0600)));
        Result json = Shed.run(root(), "image", "materialize", "--quiet", "--layout", "shared", "--format", "json", "app");
        assertThat(json.exit()).as(json.err()).isZero();
        com.fasterxml.jackson.databind.JsonNode n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(n.get("layout").asText()).isEqualTo("shared");
        assertThat(Path.of(n.get("path").asText())).exists();
        assertThat(n.get("devices")).hasSize(2);
        List<String> devices = new ArrayList<>();
        for (var d : n.get("devices")) {
            Path p = Path.of(d.get("path").asText());
            assertThat(p.toString()).contains("/cache/layers/sha256/").endsWith(".erofsdev");
            assertThat(Files.size(p)).isEqualTo(d.get("blocks").asLong() * 4096).isGreaterThanOrEqualTo(big.length);
            devices.add(p.toString());
        }
        Result plain = Shed.run(root(), "image", "materialize", "--quiet", "--layout", "shared", "app");
        List<String> lines = plain.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo(n.get("path").asText());
        assertThat(lines.subList(1, lines.size())).isEqualTo(devices);
        Result bad = Shed.run(root(), "image", "materialize", "--layout", "layered", "app");
        assertThat(bad.exit()).isEqualTo(2);
    }

    @Test
    void materializeErrorsAreOneLine() throws Exception {
        storeImage(Layer.gzip(new TarLayerBuilder().symlink("etc", "/tmp").file("etc/passwd", "x")));
        Result r = Shed.run(root(), "image", "materialize", "--quiet", "app");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).startsWith("shed: error: layer sha256:").contains("'etc/passwd'");
        Result missing = Shed.run(root(), "image", "materialize", "nope");
        assertThat(missing.exit()).isEqualTo(3);
        Result bad = Shed.run(root(), "image", "materialize", "--compression", "zip", "app");
        assertThat(bad.exit()).isEqualTo(2);
        for (String level : new String[] {"-1", "0", "13"}) {
            Result r2 = Shed.run(root(), "image", "materialize", "--level", level, "app");
            assertThat(r2.exit()).as("--level " + level).isEqualTo(2);
            assertThat(r2.errLines()).containsExactly(
                    "shed: error: invalid --level " + level + ": lz4hc levels are 1..12 (lz4 and none take no level)");
        }
        Result lz4Level = Shed.run(root(), "image", "materialize", "--compression", "lz4", "--level", "5", "app");
        assertThat(lz4Level.exit()).isEqualTo(2);
        assertThat(lz4Level.errLines()).singleElement().asString().contains("--level");
    }

    /** A manifest whose config is {@code config} (not checked), named {@code name}, written into the store directly. */
    private static dev.shed.core.oci.Descriptor storeRaw(Path root, String name, byte[] config) throws Exception {
        dev.shed.core.store.Store store = dev.shed.core.store.Store.open(root);
        byte[] layer = new TarLayerBuilder().file("f", "x").tar();
        store.blobs().put(layer);
        store.blobs().put(config);
        var cfg = new dev.shed.core.oci.Descriptor(dev.shed.core.oci.MediaType.OCI_CONFIG, dev.shed.core.oci.Digest.of(config), config.length);
        var l = new dev.shed.core.oci.Descriptor(dev.shed.core.oci.MediaType.OCI_LAYER_TAR, dev.shed.core.oci.Digest.of(layer), layer.length);
        byte[] manifest = dev.shed.core.image.build.ImageAssembler.manifest(cfg, List.of(l));
        store.blobs().put(manifest);
        var m = new dev.shed.core.oci.Descriptor(dev.shed.core.oci.MediaType.OCI_MANIFEST, dev.shed.core.oci.Digest.of(manifest), manifest.length);
        store.names().put(name, m);
        return m;
    }

    @Test
    void aConfigThatIsNotJsonIsRefusedAtBuildAndAStoreHoldingOneStillLists() throws Exception {
        storeImage(twoLayers());
        // build refuses it, naming the config, and names nothing
        Path layout = tmp.resolve("bad-layout");
        storeRawLayout(layout);
        Result build = Shed.run(root(), "image", "build", "--from-oci-archive", layout.toString(), "--tag", "bad:1");
        assertThat(build.exit()).isNotZero();
        assertThat(build.errLines()).hasSize(1);
        assertThat(build.err()).contains("config sha256:").contains("JSON");
        assertThat(Shed.run(root(), "image", "ls").out()).doesNotContain("bad");

        // a store that already holds one (written before this check existed) lists everything, the broken one marked
        storeRaw(root(), "docker.io/library/broken:latest", "this is not json".getBytes());
        Result ls = Shed.run(root(), "image", "ls");
        assertThat(ls.exit()).as(ls.err()).isZero();
        assertThat(ls.out()).contains("app").containsPattern("broken +latest .*BROKEN");
        assertThat(ls.err()).contains("broken:latest is broken: ").contains("invalid JSON");
        Result json = Shed.run(root(), "image", "ls", "--format", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        var arr = dev.shed.core.json.Json.parse(json.out().getBytes(), "ls");
        assertThat(arr.size()).isEqualTo(2);
        for (var o : arr) {
            if (o.get("name").asText().contains("broken")) assertThat(o.get("broken").asText()).contains("invalid JSON");
            else assertThat(o.has("broken")).isFalse();
        }
    }

    /** An OCI layout whose only image has a config that is not JSON. */
    private static void storeRawLayout(Path dir) throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(dir);
        byte[] layer = new TarLayerBuilder().file("f", "x").tar();
        var l = b.blob(dev.shed.core.oci.MediaType.OCI_LAYER_TAR, layer);
        var cfg = b.blob(dev.shed.core.oci.MediaType.OCI_CONFIG, "{\"rootfs\": not json".getBytes());
        var m = b.blob(dev.shed.core.oci.MediaType.OCI_MANIFEST, dev.shed.core.image.build.ImageAssembler.manifest(cfg, List.of(l)));
        b.name("bad", m);
    }

    @Test
    void aCorruptedLayerBlobIsRefusedByMaterializeAndExportLeavingNothing() throws Exception {
        storeImage(Layer.tar(new TarLayerBuilder().dir("etc").file("etc/motd", "the real content")));
        dev.shed.core.store.Store store = dev.shed.core.store.Store.open(root());
        var manifest = new dev.shed.core.image.ImageReader(store).select(new dev.shed.core.image.ImageReader(store).resolve("app"), null);
        var layer = manifest.layers().get(0).digest();
        Path blob = store.blobs().path(layer);
        byte[] bytes = Files.readAllBytes(blob);
        bytes[Corruption.indexOf(bytes, "real".getBytes())] ^= 0x20; // "Real": the tar still parses, only the digest can tell
        blob.toFile().setWritable(true);
        Files.write(blob, bytes);

        Result mat = Shed.run(root(), "image", "materialize", "--quiet", "app");
        assertThat(mat.exit()).isEqualTo(1);
        assertThat(mat.errLines()).hasSize(1);
        assertThat(mat.err()).contains("image sha256:" + manifest.digest().hex()).contains("layer " + layer)
                .contains(dev.shed.core.oci.Digest.of(bytes).toString());
        assertThat(store.layout().erofsLower(manifest.digest())).doesNotExist();
        assertThat(store.layout().erofsLowerRecord(manifest.digest())).doesNotExist();

        Path out = tmp.resolve("rootfs.tar");
        Result export = Shed.run(root(), "image", "export", "app", "-o", out.toString());
        assertThat(export.exit()).isEqualTo(1);
        assertThat(export.err()).contains("image app").contains("layer " + layer);
        assertThat(out).doesNotExist();
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("rootfs.tar"));
        }
        Result stdout = Shed.run(root(), "image", "export", "app", "-o", "-");
        assertThat(stdout.exit()).isEqualTo(1);
        assertThat(stdout.rawOut().length % 1024 == 0 && endsWithZeros(stdout.rawOut(), 1024))
                .as("no end-of-archive blocks after a refused layer").isFalse();
    }

    private static boolean endsWithZeros(byte[] b, int n) {
        if (b.length < n) return false;
        for (int i = b.length - n; i < b.length; i++) if (b[i] != 0) return false;
        return true;
    }

    @Test
    void exportWritesTheMergedTreeToAFileAndToStdout() throws Exception {
        storeImage(twoLayers());
        Path out = tmp.resolve("rootfs.tar");
        Result file = Shed.run(root(), "image", "export", "app", "-o", out.toString());
        assertThat(file.exit()).as(file.err()).isZero();
        assertThat(names(Files.readAllBytes(out))).containsExactlyInAnyOrder("etc/new", "etc/", "etc/keep");
        Result stdout = Shed.run(root(), "image", "export", "app", "-o", "-");
        assertThat(stdout.exit()).as(stdout.err()).isZero();
        assertThat(stdout.rawOut()).isEqualTo(Files.readAllBytes(out));
    }

    @Test
    void exportedTarExtractsWithGnuTar() throws Exception {
        Integration.requireTool("tar");
        storeImage(twoLayers());
        Path out = tmp.resolve("rootfs.tar");
        assertThat(Shed.run(root(), "image", "export", "app", "-o", out.toString()).exit()).isZero();
        Path dir = Files.createDirectories(tmp.resolve("x"));
        Processes.check(null, "tar", "-xf", out.toString(), "-C", dir.toString());
        assertThat(Files.readString(dir.resolve("etc/keep"))).isEqualTo("kept");
        assertThat(dir.resolve("etc/gone")).doesNotExist();
    }

    private static List<String> names(byte[] tar) throws Exception {
        List<String> out = new ArrayList<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) out.add(e.getName());
        }
        return out;
    }
}
