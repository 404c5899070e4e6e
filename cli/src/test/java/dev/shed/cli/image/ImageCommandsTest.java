package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Platform;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCommandsTest {
    private static final byte[] EMPTY_GZIP_TAR = dev.shed.core.image.EmptyLayer.bytes();

    @TempDir
    Path tmp;

    private Path root() {
        return tmp.resolve("root");
    }

    private static Layer layer(String name) {
        return Layer.gzip(new TarLayerBuilder().file(name, "content of " + name));
    }

    /** A layout with image "app" (2 layers) and the multi-platform "multi". */
    private OciLayoutBuilder layout() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("app", layer("a"), layer("b"));
        Platform amd = new Platform("linux", "amd64", null);
        Platform arm = new Platform("linux", "arm64", null);
        Descriptor ma = b.manifest(List.of(layer("x")), amd, false);
        Descriptor mb = b.manifest(List.of(layer("y")), arm, false);
        b.name("multi", b.index(List.of(ma, mb), List.of(amd, arm)));
        return b;
    }

    private Result shed(String... args) {
        return Shed.run(root(), args);
    }

    private static void assertOneLineError(Result r, int exit, String contains) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("shed: error: ").contains(contains);
        assertThat(r.err()).doesNotContain("\tat ", "Exception:");
    }

    @Test
    void buildThenInspectPrintsTheExactManifestBytes() throws Exception {
        OciLayoutBuilder b = layout();
        Result build = shed("image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(build.exit()).as(build.err()).isZero();
        assertThat(build.out()).contains("Loaded image: docker.io/library/app:latest (sha256:")
                .contains("Loaded image: docker.io/library/multi:latest");
        var app = Json.parseObject(Files.readAllBytes(b.dir().resolve("index.json")), "i").get("manifests").get(0);
        Digest appDigest = Digest.parse(app.get("digest").asText());
        byte[] manifest = Files.readAllBytes(b.dir().resolve("blobs/sha256").resolve(appDigest.hex()));
        Result inspect = shed("image", "inspect", "app");
        assertThat(inspect.rawOut()).isEqualTo(manifest);

        Result config = shed("image", "inspect", "--config", "app");
        var cfgDigest = Json.parseObject(manifest, "m").get("config").get("digest").asText();
        assertThat(Digest.of(config.rawOut()).toString()).isEqualTo(cfgDigest);

        Result json = shed("image", "inspect", "--format", "json", "app");
        var summary = Json.parseObject(json.out().getBytes(), "summary");
        assertThat(summary.get("name").asText()).isEqualTo("docker.io/library/app:latest");
        assertThat(summary.get("digest").asText()).isEqualTo(appDigest.toString());
        assertThat(summary.get("layers")).hasSize(2);
        assertThat(summary.get("platform").asText()).isEqualTo("linux/amd64");
        assertThat(summary.get("config").get("digest").asText()).isEqualTo(cfgDigest);
        assertThat(summary.get("created").asText()).isEqualTo("2024-01-02T03:04:05Z");

        byte[] index = shed("image", "inspect", "multi").rawOut();
        assertThat(Json.parseObject(index, "index").get("manifests")).hasSize(2);
        byte[] arm = shed("image", "inspect", "--platform", "linux/arm64", "multi").rawOut();
        var armDigest = Json.parseObject(index, "index").get("manifests").get(1).get("digest").asText();
        assertThat(Digest.of(arm).toString()).isEqualTo(armDigest);
        var multiJson = Json.parseObject(shed("image", "inspect", "--format", "json", "multi").out().getBytes(), "m");
        assertThat(multiJson.get("platforms").toString()).isEqualTo("[\"linux/amd64\",\"linux/arm64/v8\"]");
    }

    @Test
    void historyIsNewestFirstWithEmptyLayersMarked() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("hist", layer("a"), new Layer(dev.shed.core.oci.MediaType.OCI_LAYER_GZIP, EMPTY_GZIP_TAR));
        assertThat(shed("image", "build", "--from-oci-archive", b.dir().toString()).exit()).isZero();
        // the builder writes history: "test layer 1", "test layer 2", then an empty_layer "ENV test=1"
        Result table = shed("image", "history", "hist");
        List<String> lines = List.of(table.out().split("\n"));
        assertThat(lines.get(0)).startsWith("LAYER").contains("CREATED BY", "SIZE", "COMMENT");
        assertThat(lines.get(1)).startsWith("<none>").contains("ENV test=1").contains("0B");
        boolean isEmptyGzip = true;
        assertThat(lines.get(2)).startsWith("<empty layer>").contains("test layer 2").contains("32B");
        assertThat(lines.get(3)).contains("test layer 1");
        assertThat(lines).hasSize(4);
        var json = Json.mapper().readTree(shed("image", "history", "--format", "json", "hist").out());
        assertThat(json).hasSize(3);
        assertThat(json.get(0).get("emptyLayer").asBoolean()).isTrue();
        assertThat(json.get(0).get("layer").isNull()).isTrue();
        assertThat(json.get(1).get("layer").asText()).isEqualTo(Digest.of(EMPTY_GZIP_TAR).toString());
        assertThat(json.get(1).get("emptyGzipLayer").asBoolean()).isEqualTo(isEmptyGzip);
        assertThat(json.get(2).get("createdBy").asText()).isEqualTo("test layer 1");
    }

    @Test
    void theEmptyGzipLayerBytesAreTheSeedsDigestAndAnEmptyTar() throws Exception {
        assertThat(EMPTY_GZIP_TAR).hasSize(32);
        assertThat(Digest.of(EMPTY_GZIP_TAR).toString()).isEqualTo("sha256:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1");
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(EMPTY_GZIP_TAR))) {
            assertThat(in.readAllBytes()).isEqualTo(new byte[1024]);
        }
    }

    @Test
    void tagAndRmWorkOnNamesOnly() throws Exception {
        assertThat(shed("image", "build", "--from-oci-archive", layout().dir().toString()).exit()).isZero();
        assertThat(shed("image", "tag", "app", "registry.local:5000/team/app:v2").exit()).isZero();
        Result ls = shed("image", "ls", "--format", "json");
        assertThat(ls.out()).contains("registry.local:5000/team/app:v2", "docker.io/library/app:latest");
        Result rm = shed("image", "rm", "app", "ghost", "multi", "nope:1");
        assertThat(rm.exit()).isEqualTo(3);
        assertThat(rm.out()).contains("Untagged: docker.io/library/app:latest", "Untagged: docker.io/library/multi:latest");
        assertThat(rm.errLines()).containsExactly("shed: error: no such image: docker.io/library/ghost:latest",
                "shed: error: no such image: docker.io/library/nope:1");
        Result after = shed("image", "ls", "--format", "json");
        assertThat(after.out()).contains("registry.local:5000/team/app:v2").doesNotContain("library/app:latest", "multi");
        assertThat(shed("image", "inspect", "registry.local:5000/team/app:v2").exit()).isZero();
    }

    @Test
    void saveThenLoadThroughTheCli() throws Exception {
        assertThat(shed("image", "build", "--from-oci-archive", layout().dir().toString()).exit()).isZero();
        Path archive = tmp.resolve("out.tar");
        Result save = shed("image", "save", "app", "multi", "-o", archive.toString());
        assertThat(save.exit()).as(save.err()).isZero();
        Path other = tmp.resolve("other");
        Result load = Shed.run(other, "image", "load", "-i", archive.toString());
        assertThat(load.exit()).as(load.err()).isZero();
        Path again = tmp.resolve("again.tar");
        assertThat(Shed.run(other, "image", "save", "multi", "app", "-o", again.toString()).exit()).isZero();
        assertThat(Files.readAllBytes(again)).isEqualTo(Files.readAllBytes(archive));
    }

    @Test
    void importMakesAOneLayerImage() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tree/etc"));
        Files.writeString(dir.resolve("hostname"), "box\n");
        Result r = shed("image", "import", tmp.resolve("tree").toString(), "--tag", "box", "--created", "2024-01-01T00:00:00Z");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("Imported image: docker.io/library/box:latest (sha256:");
        var summary = Json.parseObject(shed("image", "inspect", "--format", "json", "box").out().getBytes(), "s");
        assertThat(summary.get("layers")).hasSize(1);
        assertThat(summary.get("created").asText()).isEqualTo("2024-01-01T00:00:00Z");
        assertThat(shed("image", "history", "box").out()).contains("shed image import");
    }

    @Test
    void tooManyLayersIsOneClearLineUnlessRaised() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Layer[] layers = new Layer[17];
        for (int i = 0; i < 17; i++) layers[i] = layer("f" + i);
        b.image("big", layers);
        assertOneLineError(shed("image", "build", "--from-oci-archive", b.dir().toString()), 1, "17 layers, more than the limit of 16");
        assertThat(shed("image", "build", "--from-oci-archive", b.dir().toString(), "--max-layers", "20").exit()).isZero();
    }

    @Test
    void badInputIsOneLineOnStderrWithoutStackTrace() throws Exception {
        assertOneLineError(shed("image", "build", "--from-oci-archive", tmp.resolve("missing.tar").toString()), 1, "no such file or directory");
        Path junk = tmp.resolve("junk.tar");
        Files.writeString(junk, "definitely not a tar archive\n".repeat(50));
        assertOneLineError(shed("image", "build", "--from-oci-archive", junk.toString()), 2, "not a tar archive");
        assertOneLineError(shed("image", "load", "-i", junk.toString()), 2, "not a tar archive");
        assertOneLineError(shed("image", "import", junk.toString(), "--tag", "x"), 2, "not a tar archive");

        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("bad"));
        Descriptor m = b.image("bad", layer("a"));
        Path mf = b.dir().resolve("blobs/sha256").resolve(m.digest().hex());
        Files.writeString(mf, Files.readString(mf) + " ");
        assertOneLineError(shed("image", "build", "--from-oci-archive", b.dir().toString()), 2, "has digest");

        assertOneLineError(shed("image", "inspect", "ghost"), 3, "no such image: docker.io/library/ghost:latest");
        assertOneLineError(shed("image", "history", "ghost"), 3, "no such image");
        assertOneLineError(shed("image", "inspect", "Not/Valid"), 2, "invalid reference");
        assertOneLineError(shed("image", "tag", "ghost", "x"), 3, "no such image");
        assertOneLineError(shed("image", "build", "--from-oci-archive", b.dir().toString(), "--tag", "UPPER"), 2, "invalid reference");
        assertOneLineError(shed("image", "build", "--from-oci-archive", b.dir().toString(), "--platform", "linux"), 2, "invalid platform");
        assertThat(shed("image", "ls", "--format", "json").out().strip()).isEqualTo("[ ]");
    }

    @Test
    void namesWithADigestResolveWhenTheDigestMatches() throws Exception {
        OciLayoutBuilder b = layout();
        assertThat(shed("image", "build", "--from-oci-archive", b.dir().toString()).exit()).isZero();
        byte[] manifest = shed("image", "inspect", "app").rawOut();
        String digest = Digest.of(manifest).toString();
        assertThat(shed("image", "inspect", "app:latest@" + digest).rawOut()).isEqualTo(manifest);
        assertThat(shed("image", "inspect", "app@" + digest).rawOut()).isEqualTo(manifest);
        assertThat(shed("image", "inspect", digest).rawOut()).isEqualTo(manifest);
        String other = "sha256:" + "0".repeat(64);
        assertOneLineError(shed("image", "inspect", "app:latest@" + other), 3, "no such image");
        assertOneLineError(shed("image", "inspect", "multi@" + digest), 3, "no such image");
    }
}
