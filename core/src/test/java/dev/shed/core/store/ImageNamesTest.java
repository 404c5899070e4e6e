package dev.shed.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageNamesTest {
    @TempDir
    Path root;

    private Descriptor manifest(Store store, String content) throws Exception {
        byte[] raw = content.getBytes(StandardCharsets.UTF_8);
        return new Descriptor(MediaType.OCI_MANIFEST, store.blobs().put(raw), raw.length);
    }

    @Test
    void namesAreNormalisedIndexEntriesWithRefName() throws Exception {
        Store store = Store.open(root);
        Descriptor m = manifest(store, "{\"m\":1}");
        store.names().put("full", m);
        store.names().put("localhost:5000/a/b:v1", m);
        assertThat(store.names().list()).extracting(NamedImage::name)
                .containsExactly("docker.io/library/full:latest", "localhost:5000/a/b:v1");
        assertThat(store.names().get("docker.io/library/full").orElseThrow().target().digest()).isEqualTo(m.digest());
        var index = Json.parseObject(Files.readAllBytes(root.resolve("index.json")), "index");
        assertThat(index.get("manifests").get(0).get("annotations").get(Descriptor.REF_NAME).asText())
                .isEqualTo("docker.io/library/full:latest");
        assertThat(index.get("mediaType").asText()).isEqualTo(MediaType.OCI_INDEX);
    }

    @Test
    void renamingReplacesAndRemoveReportsMissing() throws Exception {
        Store store = Store.open(root);
        Descriptor a = manifest(store, "{\"a\":1}");
        Descriptor b = manifest(store, "{\"b\":1}");
        store.names().put("x", a);
        store.names().put("x", b);
        assertThat(store.names().list()).hasSize(1);
        assertThat(store.names().get("x").orElseThrow().target().digest()).isEqualTo(b.digest());
        assertThat(store.names().remove("x")).isTrue();
        assertThat(store.names().remove("x")).isFalse();
        assertThat(store.blobs().exists(b.digest())).as("rm keeps blobs for prune").isTrue();
    }

    @Test
    void refusesToNameAMissingBlob() throws Exception {
        Store store = Store.open(root);
        Descriptor ghost = new Descriptor(MediaType.OCI_MANIFEST, Digest.of(new byte[] {1}), 1);
        assertThatThrownBy(() -> store.names().put("ghost", ghost)).hasMessageContaining("not in the store");
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void concurrentUpdatesLoseNoNameAndLeaveNoTempFiles() throws Exception {
        Store store = Store.open(root);
        Descriptor m = manifest(store, "{\"m\":2}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String name = "img" + i;
            fs.add(pool.submit(() -> {
                store.names().put(name, m);
                // a reader in between always sees a complete, parseable index.json
                Json.parseObject(Files.readAllBytes(root.resolve("index.json")), "index");
                return null;
            }));
        }
        for (Future<?> f : fs) f.get();
        pool.shutdown();
        assertThat(store.names().list()).hasSize(40);
        try (Stream<Path> s = Files.list(root)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("oci-layout", "index.json", "blobs", "shed");
        }
    }

    @Test
    void keepsUnnamedEntriesOfOtherTools() throws Exception {
        Store store = Store.open(root);
        Descriptor m = manifest(store, "{\"m\":3}");
        String foreign = "{\"schemaVersion\":2,\"manifests\":[" + m.toJson() + "]}";
        Files.writeString(root.resolve("index.json"), foreign);
        store.names().put("mine", m);
        assertThat(store.names().entries()).hasSize(2);
        assertThat(store.names().list()).hasSize(1);
    }
}
