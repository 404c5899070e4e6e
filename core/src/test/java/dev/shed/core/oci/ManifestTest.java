package dev.shed.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ManifestTest {
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String manifest(String mediaTypeField) {
        return "{\"schemaVersion\":2," + mediaTypeField
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + D1 + "\",\"size\":10},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + D2 + "\",\"size\":20}],"
                + "\"annotations\":{\"a\":\"b\"}}";
    }

    @Test
    void keepsExactBytesAndTheirDigest() {
        byte[] raw = utf8("  " + manifest("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",") + "\n");
        Manifest m = Manifest.parse(raw, null);
        assertThat(m.raw()).isEqualTo(raw);
        assertThat(m.digest()).isEqualTo(Digest.of(raw));
        assertThat(m.mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
        assertThat(m.config().digest().toString()).isEqualTo(D1);
        assertThat(m.layers()).extracting(Descriptor::size).containsExactly(20L);
        assertThat(m.annotations()).containsEntry("a", "b");
        assertThat(m.totalSize()).isEqualTo(raw.length + 10 + 20);
        assertThat(m.descriptor().size()).isEqualTo(raw.length);
    }

    @Test
    void documentWithoutMediaTypeTakesTheDeclaredOneOrOci() {
        byte[] raw = utf8(manifest(""));
        assertThat(Manifest.parse(raw, null).mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
        assertThat(Manifest.parse(raw, MediaType.DOCKER_MANIFEST).mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
    }

    @Test
    void refusesMediaTypeMismatch() {
        byte[] raw = utf8(manifest("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","));
        assertThatThrownBy(() -> Manifest.parse(raw, MediaType.DOCKER_MANIFEST)).hasMessageContaining("differs from the document's");
        assertThatThrownBy(() -> Manifest.parse(raw, MediaType.OCI_INDEX)).hasMessageContaining("is not an image manifest");
    }

    @Test
    void refusesSchema1() {
        byte[] raw = utf8("{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"y\",\"fsLayers\":[]}");
        assertThatThrownBy(() -> Manifest.parse(raw, null)).hasMessageContaining("schema 1");
        assertThatThrownBy(() -> Manifest.parse(raw, MediaType.DOCKER_SCHEMA1_SIGNED)).hasMessageContaining("schema 1");
    }

    @Test
    void refusesManifestsOver4MiB() {
        String m = manifest("");
        byte[] pad = new byte[Manifest.MAX_BYTES + 1 - m.length()];
        Arrays.fill(pad, (byte) ' ');
        byte[] raw = new byte[Manifest.MAX_BYTES + 1];
        System.arraycopy(utf8(m), 0, raw, 0, m.length());
        System.arraycopy(pad, 0, raw, m.length(), pad.length);
        assertThatThrownBy(() -> Manifest.parse(raw, null)).hasMessageContaining("exceeds the 4 MiB");
        byte[] exact = Arrays.copyOf(raw, Manifest.MAX_BYTES);
        assertThat(Manifest.parse(exact, null).raw()).hasSize(Manifest.MAX_BYTES);
    }

    @Test
    void refusesBrokenDocuments() {
        assertThatThrownBy(() -> Manifest.parse(utf8("not json"), null)).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> Manifest.parse(utf8("[]"), null)).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> Manifest.parse(utf8("{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" + D1 + "\",\"size\":1}}"), null))
                .hasMessageContaining("no layers array");
        assertThatThrownBy(() -> Manifest.parse(utf8(manifest("").replace(D2, "sha256:abc")), null)).hasMessageContaining("layer 0");
        assertThatThrownBy(() -> Manifest.parse(utf8(manifest("").replace("\"size\":20", "\"size\":-1")), null)).hasMessageContaining("valid size");
        assertThatThrownBy(() -> Manifest.parse(utf8("{\"schemaVersion\":2,\"manifests\":[],\"config\":{\"mediaType\":\"x\",\"digest\":\"" + D1 + "\",\"size\":1},\"layers\":[]}"), null))
                .hasMessageContaining("it is an index");
    }

    @Test
    void parsesIndexesAndSelectsPlatforms() {
        String idx = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D1 + "\",\"size\":1,\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + D2 + "\",\"size\":2,\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                + "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + "3".repeat(64) + "\",\"size\":3,\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}}]}";
        Index index = Index.parse(utf8(idx), null);
        assertThat(index.digest()).isEqualTo(Digest.of(utf8(idx)));
        assertThat(index.select(Platform.parse("linux/aarch64")).orElseThrow().digest().toString()).isEqualTo(D2);
        assertThat(index.select(Platform.parse("linux/x86_64")).orElseThrow().digest().toString()).isEqualTo(D1);
        assertThat(index.select(Platform.parse("linux/s390x"))).isEmpty();
        assertThat(index.platformNames()).containsExactly("linux/amd64", "linux/arm64/v8", "unknown/unknown");
        assertThatThrownBy(() -> Index.parse(utf8(idx), MediaType.DOCKER_MANIFEST_LIST)).hasMessageContaining("differs");
        assertThatThrownBy(() -> Index.parse(utf8(idx), MediaType.OCI_MANIFEST)).hasMessageContaining("is not an index");
    }

    @Test
    void configHistoryKeepsEmptyLayers() {
        byte[] raw = utf8("{\"architecture\":\"arm64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05Z\","
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + D1 + "\"]},"
                + "\"history\":[{\"created_by\":\"ADD x\"},{\"created_by\":\"ENV a=b\",\"empty_layer\":true,\"comment\":\"c\"}]}");
        ImageConfig c = ImageConfig.parse(raw, "config");
        assertThat(c.platform()).isEqualTo(Platform.parse("linux/arm64/v8"));
        assertThat(c.diffIds()).containsExactly(D1);
        assertThat(c.history()).extracting(ImageConfig.History::emptyLayer).containsExactly(false, true);
        assertThat(c.history().get(1).comment()).isEqualTo("c");
    }
}
