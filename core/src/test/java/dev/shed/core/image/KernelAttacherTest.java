package dev.shed.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.Store;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code shed image kernel}'s core. Oracles: the manifest bytes read back as plain JSON (not through shed's
 * Manifest), the blob files named by a JDK SHA-256 of the files attached, and the original manifest bytes.
 */
class KernelAttacherTest {
    @TempDir
    Path tmp;
    OciLayoutBuilder layout;
    Store store;
    Descriptor original;
    Path kernel;
    Path initrd;

    @BeforeEach
    void image() throws Exception {
        layout = new OciLayoutBuilder(tmp.resolve("store"));
        original = layout.image("docker.io/library/app:1", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/a", "a\n")));
        store = Store.open(layout.dir());
        kernel = fakeKernel("vmlinuz", 0x202, "HdrS", "kernel bytes");
        initrd = Files.write(tmp.resolve("initrd"), "initrd bytes".getBytes());
    }

    @Test
    void theNameMovesToACopyOfTheManifestThatNamesTheBlobs() throws Exception {
        ArchiveImporter.Imported done = new KernelAttacher(store).attach("app:1", kernel, initrd, null);
        assertThat(done.name()).isEqualTo("docker.io/library/app:1");
        assertThat(store.names().get("docker.io/library/app:1").orElseThrow().target().digest()).isEqualTo(done.target().digest());
        JsonNode m = Json.parseObject(Files.readAllBytes(store.layout().blob(done.target().digest())), "attached");
        JsonNode old = Json.parseObject(Files.readAllBytes(store.layout().blob(original.digest())), "original");
        assertThat(m.get("layers")).isEqualTo(old.get("layers"));
        assertThat(m.get("config")).isEqualTo(old.get("config"));
        assertThat(m.path("annotations").path("io.shed.kernel.digest").asText()).isEqualTo(sha256(kernel));
        assertThat(m.path("annotations").path("io.shed.initrd.digest").asText()).isEqualTo(sha256(initrd));
        assertThat(store.layout().blob(Digest.parse(sha256(kernel)))).hasSameBinaryContentAs(kernel);
        assertThat(store.layout().blob(original.digest())).as("the old manifest stays until prune").exists();
    }

    @Test
    void anotherKernelUnderANewTagDropsTheOldInitrdAndLeavesTheImage() throws Exception {
        Descriptor first = new KernelAttacher(store).attach("app:1", kernel, initrd, null).target();
        Path other = fakeKernel("vmlinuz2", 0x202, "HdrS", "another kernel");
        ArchiveImporter.Imported done = new KernelAttacher(store).attach("app:1", other, null, "app:2");
        assertThat(done.name()).isEqualTo("docker.io/library/app:2");
        assertThat(store.names().get("docker.io/library/app:1").orElseThrow().target().digest()).isEqualTo(first.digest());
        JsonNode m = Json.parseObject(Files.readAllBytes(store.layout().blob(done.target().digest())), "attached");
        assertThat(m.path("annotations").path("io.shed.kernel.digest").asText()).isEqualTo(sha256(other));
        assertThat(m.path("annotations").has("io.shed.initrd.digest")).as("an initrd belongs to its kernel").isFalse();
    }

    @Test
    void refusesAnIndexAMissingFileAndAnEmptyOne() throws Exception {
        Descriptor m = layout.manifest(List.of(OciLayoutBuilder.Layer.gzip(new TarLayerBuilder().dir("x"))), Platform.parse("linux/amd64"), false);
        layout.name("docker.io/library/multi:1", layout.index(List.of(m), List.of(Platform.parse("linux/amd64"))));
        store = Store.open(layout.dir());
        assertThatThrownBy(() -> new KernelAttacher(store).attach("multi:1", kernel, null, null))
                .hasMessageContaining("multi:1 is a multi-platform index");
        assertThatThrownBy(() -> new KernelAttacher(store).attach("app:1", tmp.resolve("nope"), null, null))
                .isInstanceOf(java.nio.file.NoSuchFileException.class).hasMessageContaining("nope");
        Path empty = Files.createFile(tmp.resolve("empty"));
        assertThatThrownBy(() -> new KernelAttacher(store).attach("app:1", kernel, empty, null)).hasMessage("initrd " + empty + " is empty");
        assertThat(store.names().get("docker.io/library/app:1").orElseThrow().target().digest()).as("nothing changed").isEqualTo(original.digest());
    }

    @Test
    void refusesAKernelOfAnotherArchitecture() throws Exception {
        Path arm64 = fakeKernel("Image", 0x38, "ARMd", "arm64 kernel"); // the arm64 Image header's magic
        assertThatThrownBy(() -> new KernelAttacher(store).attach("app:1", arm64, null, null))
                .hasMessageContaining("is an arm64 kernel but the image is amd64");
        assertThat(store.names().get("docker.io/library/app:1").orElseThrow().target().digest()).isEqualTo(original.digest());
    }

    /** A file with a kernel header's magic where the boot protocol puts it, then {@code body}. */
    private Path fakeKernel(String name, int magicOffset, String magic, String body) throws Exception {
        byte[] b = new byte[0x210 + body.length()];
        System.arraycopy(magic.getBytes(), 0, b, magicOffset, magic.length());
        System.arraycopy(body.getBytes(), 0, b, 0x210, body.length());
        return Files.write(tmp.resolve(name), b);
    }

    private static String sha256(Path file) throws Exception {
        return "sha256:" + java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
