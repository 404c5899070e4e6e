package dev.shed.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.BlobMismatchException;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveImporterTest {
    @TempDir
    Path tmp;

    private Store store() throws Exception {
        return Store.open(tmp.resolve("root"));
    }

    private static Layer layer(String file, String content) {
        return Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/" + file, content));
    }

    private static ArchiveImporter.Options opts() {
        return new ArchiveImporter.Options(null, null, null, null);
    }

    private List<ArchiveImporter.Imported> load(Store store, Path archive, ArchiveImporter.Options o) throws Exception {
        return new ArchiveImporter(store, Progress.NONE).importFrom(archive, o);
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void importsEveryNamedImageOfALayoutDirectoryWithItsBytes() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor full = b.image("full", layer("a", "1"), layer("b", "2"));
        Descriptor other = b.image("ghcr.io/team/other:v2", layer("c", "3"));
        Store store = store();
        List<ArchiveImporter.Imported> done = load(store, b.dir(), opts());
        assertThat(done).extracting(ArchiveImporter.Imported::name)
                .containsExactly("docker.io/library/full:latest", "ghcr.io/team/other:v2");
        assertThat(store.names().list()).extracting(NamedImage::name)
                .containsExactlyInAnyOrder("docker.io/library/full:latest", "ghcr.io/team/other:v2");
        for (Descriptor d : List.of(full, other)) {
            byte[] src = Files.readAllBytes(b.dir().resolve("blobs/sha256").resolve(d.digest().hex()));
            assertThat(store.blobs().read(d.digest())).isEqualTo(src);
            Manifest m = Manifest.parse(src, d.mediaType());
            for (Descriptor l : m.layers()) assertThat(store.blobs().verify(l.digest())).isTrue();
            assertThat(store.blobs().verify(m.config().digest())).isTrue();
        }
        assertThat(store.names().get("full").orElseThrow().target().annotations()).containsOnlyKeys(Descriptor.REF_NAME);
    }

    @Test
    void tagRenamesTheOneImageAndImageSelectsAmongMany() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("one", layer("a", "1"));
        Descriptor two = b.image("two", layer("b", "2"));
        Store store = store();
        assertThatThrownBy(() -> load(store, b.dir(), new ArchiveImporter.Options("x", null, null, null)))
                .hasMessageContaining("holds 2 images").hasMessageContaining("--image");
        load(store, b.dir(), new ArchiveImporter.Options("mine:v1", "two", null, null));
        assertThat(store.names().list()).extracting(NamedImage::name).containsExactly("docker.io/library/mine:v1");
        assertThat(store.names().get("mine:v1").orElseThrow().target().digest()).isEqualTo(two.digest());
        assertThatThrownBy(() -> load(store, b.dir(), new ArchiveImporter.Options(null, "three", null, null)))
                .isInstanceOf(ImageNotFoundException.class).hasMessageContaining("docker.io/library/one:latest");
    }

    @Test
    void unnamedImageNeedsATag() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = b.manifest(List.of(layer("a", "1")), new Platform("linux", "amd64", null), false);
        b.name(null, m);
        Store store = store();
        assertThatThrownBy(() -> load(store, b.dir(), opts())).hasMessageContaining("has no name").hasMessageContaining("--tag");
        load(store, b.dir(), new ArchiveImporter.Options("named", null, null, null));
        assertThat(store.names().get("named")).isPresent();
    }

    @Test
    void readsLayoutTarsPlainAndGzipped() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = b.image("v1", layer("a", "1"));
        for (boolean gz : new boolean[] {false, true}) {
            Path tar = ArchiveTars.tar(b.dir(), tmp.resolve("layout" + gz + ".tar"), gz);
            Store store = Store.open(tmp.resolve("root" + gz));
            load(store, tar, opts());
            assertThat(store.names().get("docker.io/library/v1:latest").orElseThrow().target().digest()).isEqualTo(m.digest());
            assertThat(count(store.layout().tmpDir())).as("unpacked temp tar removed").isZero();
        }
    }

    @Test
    void containerdNameAnnotationWinsOverTagOnlyRefName() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = b.manifest(List.of(layer("a", "1")), new Platform("linux", "amd64", null), false);
        Files.writeString(b.dir().resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[" + m.withAnnotations(Map.of(
                Descriptor.REF_NAME, "1.0", "io.containerd.image.name", "registry.local:5000/app:1.0")).toJson() + "]}");
        Store store = store();
        assertThat(load(store, b.dir(), opts())).extracting(ArchiveImporter.Imported::name).containsExactly("registry.local:5000/app:1.0");
    }

    @Test
    void corruptLayerIsRefusedAndNothingIsStored() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = b.image("bad", layer("a", "1"), layer("b", "2"));
        Manifest parsed = Manifest.parse(Files.readAllBytes(b.dir().resolve("blobs/sha256").resolve(m.digest().hex())), null);
        Path second = b.dir().resolve("blobs/sha256").resolve(parsed.layers().get(1).digest().hex());
        byte[] bytes = Files.readAllBytes(second);
        bytes[bytes.length / 2] ^= 0x55;
        Files.write(second, bytes);
        Store store = store();
        assertThatThrownBy(() -> load(store, b.dir(), opts())).isInstanceOf(BlobMismatchException.class)
                .hasMessageContaining(parsed.layers().get(1).digest().toString()).hasMessageContaining("nothing stored");
        assertThat(store.names().list()).isEmpty();
        assertThat(count(store.layout().blobsDir())).isZero();
        assertThat(count(store.layout().ingestDir())).isZero();
    }

    @Test
    void manifestWhoseBytesDoNotMatchItsDigestIsRefused() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor m = b.image("bad", layer("a", "1"));
        Path file = b.dir().resolve("blobs/sha256").resolve(m.digest().hex());
        Files.writeString(file, Files.readString(file).replace("\"schemaVersion\":2", "\"schemaVersion\":2 "));
        Store store = store();
        assertThatThrownBy(() -> load(store, b.dir(), opts())).hasMessageContaining("blob " + m.digest()).hasMessageContaining("corrupt");
        assertThat(count(store.layout().blobsDir())).isZero();
    }

    @Test
    void tooManyLayersRefusedUnlessRaised() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < 17; i++) layers.add(layer("f" + i, "x" + i));
        b.image("big", layers.toArray(Layer[]::new));
        Store store = store();
        assertThatThrownBy(() -> load(store, b.dir(), opts())).isInstanceOf(ImageLimits.ImageLimitException.class)
                .hasMessageContaining("has 17 layers, more than the limit of 16").hasMessageContaining("--max-layers 17");
        assertThat(count(store.layout().blobsDir())).isZero();
        load(store, b.dir(), new ArchiveImporter.Options(null, null, null, new ImageLimits(17)));
        assertThat(store.names().get("big")).isPresent();
    }

    @Test
    void platformPicksOneManifestOfAnIndexAndKeepsTheIndexDigest() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Platform amd = new Platform("linux", "amd64", null);
        Platform arm = new Platform("linux", "arm64", null);
        Descriptor ma = b.manifest(List.of(layer("amd", "a")), amd, false);
        Descriptor mb = b.manifest(List.of(layer("arm", "b")), arm, false);
        Descriptor idx = b.index(List.of(ma, mb), List.of(amd, arm));
        b.name("multi", idx);
        Store store = store();
        load(store, b.dir(), new ArchiveImporter.Options(null, null, Platform.parse("linux/aarch64"), null));
        assertThat(store.names().get("multi").orElseThrow().target().digest()).isEqualTo(idx.digest());
        assertThat(store.blobs().exists(mb.digest())).isTrue();
        assertThat(store.blobs().exists(ma.digest())).isFalse();
        StoredImage img = new ImageReader(store).resolve("multi");
        assertThat(img.manifests()).extracting(Manifest::digest).containsExactly(mb.digest());
        assertThatThrownBy(() -> load(store, b.dir(), new ArchiveImporter.Options(null, null, Platform.parse("linux/s390x"), null)))
                .isInstanceOf(ImageNotFoundException.class).hasMessageContaining("linux/amd64, linux/arm64/v8");
    }

    @Test
    void platformMismatchOfASingleManifestIsRefused() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("amd", layer("a", "1"));
        Store store = store();
        assertThatThrownBy(() -> load(store, b.dir(), new ArchiveImporter.Options(null, null, Platform.parse("linux/arm64"), null)))
                .hasMessageContaining("is for linux/amd64, not linux/arm64/v8");
    }

    @Test
    void dockerSaveArchiveBecomesADockerManifestOfTarLayers() throws Exception {
        byte[] l1 = new TarLayerBuilder().file("a.txt", "one").tar();
        byte[] l2 = new TarLayerBuilder().file("b.txt", "two").tar();
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + Digest.of(l1) + "\",\"" + Digest.of(l2) + "\"]},\"history\":[{\"created_by\":\"a\"},{\"created_by\":\"b\"}]}";
        Digest configDigest = Digest.of(config.getBytes(StandardCharsets.UTF_8));
        Path dir = tmp.resolve("save");
        Files.createDirectories(dir.resolve("l1"));
        Files.createDirectories(dir.resolve("l2"));
        Files.write(dir.resolve("l1/layer.tar"), l1);
        Files.write(dir.resolve("l2/layer.tar"), l2);
        Files.writeString(dir.resolve(configDigest.hex() + ".json"), config);
        Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"" + configDigest.hex() + ".json\",\"RepoTags\":[\"app:1\",\"app:latest\"],"
                + "\"Layers\":[\"l1/layer.tar\",\"l2/layer.tar\"]}]");
        Path tar = ArchiveTars.tar(dir, tmp.resolve("save.tar"), false);
        Store store = store();
        List<ArchiveImporter.Imported> done = load(store, tar, opts());
        assertThat(done).extracting(ArchiveImporter.Imported::name).containsExactly("docker.io/library/app:1", "docker.io/library/app:latest");
        Descriptor target = done.get(0).target();
        assertThat(target.mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
        Manifest m = Manifest.parse(store.blobs().read(target.digest()), target.mediaType());
        assertThat(m.config().digest()).as("config digest = docker image ID").isEqualTo(configDigest);
        assertThat(m.config().mediaType()).isEqualTo(MediaType.DOCKER_CONFIG);
        assertThat(m.layers()).extracting(Descriptor::digest).containsExactly(Digest.of(l1), Digest.of(l2));
        assertThat(m.layers()).extracting(Descriptor::mediaType).containsOnly(MediaType.DOCKER_LAYER_TAR);
        assertThat(Json.parseObject(m.raw(), "m").fieldNames()).toIterable().containsExactly("schemaVersion", "mediaType", "config", "layers");
        // deterministic: the same archive gives the same manifest digest
        Store again = Store.open(tmp.resolve("root2"));
        assertThat(load(again, tar, opts()).get(0).target().digest()).isEqualTo(target.digest());
    }

    @Test
    void dockerSaveLayerNotMatchingItsDiffIdIsRefused() throws Exception {
        byte[] l1 = new TarLayerBuilder().file("a.txt", "one").tar();
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.of(new byte[] {1}) + "\"]}}";
        Path dir = tmp.resolve("save");
        Files.createDirectories(dir.resolve("l1"));
        Files.write(dir.resolve("l1/layer.tar"), l1);
        Files.writeString(dir.resolve("c.json"), config);
        Files.writeString(dir.resolve("manifest.json"), "[{\"Config\":\"c.json\",\"RepoTags\":[\"app:1\"],\"Layers\":[\"l1/layer.tar\"]}]");
        Store store = store();
        assertThatThrownBy(() -> load(store, dir, opts())).isInstanceOf(BlobMismatchException.class);
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void configsShedCouldNotReadAreRefusedBeforeAnythingIsStored() throws Exception {
        byte[] tar = new TarLayerBuilder().file("a", "a").tar();
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("not JSON", "this is not json");
        cases.put("not an object", "[1, 2]");
        cases.put("too few diff_ids", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        cases.put("not a digest", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"md5:abc\"]}}");
        cases.put("not the tar's digest", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + Digest.of(new byte[] {1}) + "\"]}}");
        int i = 0;
        for (var c : cases.entrySet()) {
            OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout" + i++));
            Descriptor l = b.blob(MediaType.OCI_LAYER_TAR, tar);
            Descriptor cfg = b.blob(MediaType.OCI_CONFIG, c.getValue().getBytes(StandardCharsets.UTF_8));
            Descriptor m = b.blob(MediaType.OCI_MANIFEST, dev.shed.core.image.build.ImageAssembler.manifest(cfg, List.of(l)));
            b.name("bad", m);
            Store store = store();
            assertThatThrownBy(() -> load(store, b.dir(), new ArchiveImporter.Options("bad:1", null, null, null))).as(c.getKey())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config " + cfg.digest());
            assertThat(store.names().list()).as(c.getKey()).isEmpty();
            assertThat(store.blobs().exists(l.digest())).as(c.getKey() + ": nothing stored").isFalse();
        }
    }

    @Test
    void notAnArchiveIsRefusedClearly() throws Exception {
        Path junk = tmp.resolve("junk.tar");
        Files.writeString(junk, "this is not a tar file at all, just some text that goes on for a while ".repeat(20));
        Store store = store();
        assertThatThrownBy(() -> load(store, junk, opts())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a tar archive or OCI layout directory");
        Path emptyDir = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> load(store, emptyDir, opts())).hasMessageContaining("not an OCI image layout");
        assertThatThrownBy(() -> load(store, tmp.resolve("missing"), opts())).isInstanceOf(java.nio.file.NoSuchFileException.class);
    }
}
