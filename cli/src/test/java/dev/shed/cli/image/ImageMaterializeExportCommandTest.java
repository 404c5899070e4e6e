package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
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
