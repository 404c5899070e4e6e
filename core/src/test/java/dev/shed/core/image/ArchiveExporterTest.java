package dev.shed.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Platform;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveExporterTest {
    @TempDir
    Path tmp;

    private Store seeded() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("one", Layer.gzip(new TarLayerBuilder().file("a", "1")), Layer.gzip(new TarLayerBuilder().file("b", "2")));
        Platform amd = new Platform("linux", "amd64", null);
        Platform arm = new Platform("linux", "arm64", null);
        Descriptor ma = b.manifest(List.of(Layer.gzip(new TarLayerBuilder().file("c", "3"))), amd, false);
        Descriptor mb = b.manifest(List.of(Layer.tar(new TarLayerBuilder().file("d", "4"))), arm, true);
        b.name("ghcr.io/x/multi:2", b.index(List.of(ma, mb), List.of(amd, arm)));
        Store store = Store.open(tmp.resolve("root"));
        new ArchiveImporter(store, Progress.NONE).importFrom(b.dir(), new ArchiveImporter.Options(null, null, null, null));
        return store;
    }

    @Test
    void saveLoadSaveGivesIdenticalDigestsAndBytes() throws Exception {
        Store store = seeded();
        Path first = tmp.resolve("first.tar");
        new ArchiveExporter(store).save(List.of("one", "ghcr.io/x/multi:2"), first);

        Store fresh = Store.open(tmp.resolve("fresh"));
        new ArchiveImporter(fresh, Progress.NONE).importFrom(first, new ArchiveImporter.Options(null, null, null, null));
        assertThat(fresh.names().list()).extracting(NamedImage::name)
                .containsExactly("docker.io/library/one:latest", "ghcr.io/x/multi:2");
        for (NamedImage n : store.names().list()) {
            assertThat(fresh.names().get(n.name()).orElseThrow().target().digest()).isEqualTo(n.target().digest());
        }
        assertThat(fresh.blobs().list()).isEqualTo(store.blobs().list());

        Path second = tmp.resolve("second.tar");
        new ArchiveExporter(fresh).save(List.of("ghcr.io/x/multi:2", "one"), second);
        assertThat(Digest.of(Files.readAllBytes(second))).isEqualTo(Digest.of(Files.readAllBytes(first)));
    }

    @Test
    void archiveIsASortedOciLayoutWithFixedHeaders() throws Exception {
        Store store = seeded();
        Path out = tmp.resolve("out.tar");
        new ArchiveExporter(store).save(List.of("one"), out);
        List<String> names = new ArrayList<>();
        byte[] index = null;
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(out))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                names.add(e.getName());
                assertThat(e.getModTime().getTime()).isZero();
                assertThat(e.getLongUserId()).isZero();
                assertThat(e.getUserName()).isEmpty();
                if (e.getName().equals("index.json")) index = in.readAllBytes();
                if (e.getName().startsWith("blobs/sha256/") && e.isFile()) {
                    String hex = e.getName().substring("blobs/sha256/".length());
                    assertThat(Digest.of(in.readAllBytes()).hex()).isEqualTo(hex);
                }
            }
        }
        assertThat(names).isSorted();
        assertThat(names).startsWith("blobs/", "blobs/sha256/").endsWith("index.json", "oci-layout");
        assertThat(names).hasSize(2 + 4 + 2); // manifest, config, two layers
        var idx = Json.parseObject(index, "index.json");
        assertThat(idx.get("manifests").get(0).get("annotations").get(Descriptor.REF_NAME).asText()).isEqualTo("docker.io/library/one:latest");
        try (var s = Files.list(tmp)) {
            assertThat(s.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }
}
