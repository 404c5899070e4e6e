package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.json.Json;
import dev.shed.core.oci.MediaType;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import dev.shed.registry.testing.TestRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest kernel and initrd attached with {@code shed image kernel} travel with the image: push puts them in the
 * registry, pull and load bring them into a fresh store, save writes them into the archive; a copy that lacks one
 * is refused naming image, annotation and digest. Oracles: skopeo (the registry's and the archive's manifest), the
 * registry's own blob endpoint and GNU tar (what is really there), and a JDK SHA-256 of the files attached.
 */
class ImageKernelTransportTest {
    static TestRegistry registry;

    @TempDir
    Path tmp;
    Path source;
    byte[] kernel;
    byte[] initrd;

    @BeforeAll
    static void startRegistry(@TempDir Path dir) throws Exception {
        TestRegistry.require();
        registry = TestRegistry.anonymous(dir.resolve("registry"));
    }

    @AfterAll
    static void stopRegistry() {
        if (registry != null) registry.close();
    }

    /** An imported image with a (random, never booted) kernel and initrd attached. */
    @BeforeEach
    void imageWithKernel() throws Exception {
        source = tmp.resolve("source");
        Files.writeString(Files.createDirectories(tmp.resolve("rootfs/etc")).resolve("hostname"), "app\n");
        ok(Shed.run(source, "image", "import", tmp.resolve("rootfs").toString(), "-t", "app"));
        kernel = randomBytes(300_000, 1);
        System.arraycopy("HdrS".getBytes(), 0, kernel, 0x202, 4); // an x86 boot header's magic: attach checks the arch
        initrd = randomBytes(100_000, 2);
        Files.write(tmp.resolve("vmlinuz"), kernel);
        Files.write(tmp.resolve("initrd.img"), initrd);
        Result attach = Shed.run(source, "image", "kernel", "app", "--kernel", tmp.resolve("vmlinuz").toString(),
                "--initrd", tmp.resolve("initrd.img").toString());
        ok(attach);
        assertThat(attach.out()).startsWith("Kernel attached: docker.io/library/app:latest (sha256:");
    }

    @Test
    void pushPutsThemInTheRegistryAndPullBringsThemBack() throws Exception {
        Integration.requireTool("skopeo");
        String ref = registry.host() + "/kern/app:1";
        ok(Shed.run(source, "image", "push", "app", ref));

        JsonNode manifest = Json.parseObject(Processes.check(null, "skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://" + ref).getBytes(), "skopeo");
        assertThat(manifest.path("annotations").path("io.shed.kernel.digest").asText()).isEqualTo(digest(kernel));
        assertThat(manifest.path("annotations").path("io.shed.initrd.digest").asText()).isEqualTo(digest(initrd));
        assertThat(registryBlob("kern/app", digest(kernel))).isEqualTo(kernel);
        assertThat(registryBlob("kern/app", digest(initrd))).isEqualTo(initrd);
        // a third party copies the image as the registry serves it
        Processes.check(null, "skopeo", "copy", "-q", "--src-tls-verify=false", "docker://" + ref, "oci:" + tmp.resolve("skopeo") + ":app");

        Path fresh = tmp.resolve("fresh");
        ok(Shed.run(fresh, "image", "pull", ref));
        assertThat(fresh.resolve("blobs/sha256/" + hex(kernel))).hasBinaryContent(kernel);
        assertThat(fresh.resolve("blobs/sha256/" + hex(initrd))).hasBinaryContent(initrd);
        ok(Shed.run(fresh, "image", "verify"));

        // df counts them in the image (oracle: the blob files on disk, the store's only image), rm + prune drop them
        long onDisk;
        try (var files = Files.list(fresh.resolve("blobs/sha256"))) {
            onDisk = files.mapToLong(f -> f.toFile().length()).sum();
        }
        JsonNode df = Json.parseObject(Shed.run(fresh, "image", "df", "--format", "json").out().getBytes(), "df");
        assertThat(df.path("images").get(0).path("bytes").asLong()).isEqualTo(onDisk);
        ok(Shed.run(fresh, "image", "rm", ref));
        ok(Shed.run(fresh, "image", "prune"));
        assertThat(fresh.resolve("blobs/sha256/" + hex(kernel))).doesNotExist();
        assertThat(fresh.resolve("blobs/sha256/" + hex(initrd))).doesNotExist();
    }

    @Test
    void pullRefusesAnImageWhoseKernelTheRegistryLacks() throws Exception {
        ok(Shed.run(source, "image", "push", "app", registry.host() + "/kern/lost:1"));
        // the same image, but its annotation names a kernel no one pushed (the registry does not check annotations)
        ObjectNode m = (ObjectNode) Json.parseObject(registryManifest("kern/lost", "1"), "manifest");
        String lost = digest(randomBytes(1000, 3));
        ((ObjectNode) m.get("annotations")).put("io.shed.kernel.digest", lost);
        putManifest("kern/lost", "2", Json.bytes(m));

        Path fresh = tmp.resolve("fresh");
        Result pull = Shed.run(fresh, "image", "pull", registry.host() + "/kern/lost:2");
        assertThat(pull.exit()).isEqualTo(3);
        assertThat(pull.errLines()).singleElement().asString().contains(registry.host() + "/kern/lost:2")
                .contains("io.shed.kernel.digest").contains(lost);
        assertThat(Shed.run(fresh, "image", "ls", "--format", "json").out().strip()).as("nothing named").isEqualTo("[ ]");
    }

    @Test
    void pushRefusesWhenTheStoreLostTheKernel() throws Exception {
        Files.delete(source.resolve("blobs/sha256/" + hex(kernel)));
        Result push = Shed.run(source, "image", "push", "app", registry.host() + "/kern/nokernel:1");
        assertThat(push.exit()).isEqualTo(1);
        assertThat(push.errLines()).singleElement().asString().contains("io.shed.kernel.digest").contains(digest(kernel));
    }

    @Test
    void saveCarriesThemAndLoadRefusesAnArchiveWithoutThem() throws Exception {
        Integration.requireTool("skopeo");
        Path archive = tmp.resolve("app.tar");
        ok(Shed.run(source, "image", "save", "app", "-o", archive.toString()));
        assertThat(Processes.check(null, "tar", "-tf", archive.toString()).lines())
                .contains("blobs/sha256/" + hex(kernel), "blobs/sha256/" + hex(initrd));
        JsonNode manifest = Json.parseObject(Processes.check(null, "skopeo", "inspect", "--raw",
                "oci-archive:" + archive + ":docker.io/library/app:latest").getBytes(), "skopeo");
        assertThat(manifest.path("annotations").path("io.shed.kernel.digest").asText()).isEqualTo(digest(kernel));

        Path loaded = tmp.resolve("loaded");
        ok(Shed.run(loaded, "image", "load", "-i", archive.toString()));
        assertThat(loaded.resolve("blobs/sha256/" + hex(kernel))).hasBinaryContent(kernel);
        assertThat(loaded.resolve("blobs/sha256/" + hex(initrd))).hasBinaryContent(initrd);
        ok(Shed.run(loaded, "image", "verify"));

        Path unpacked = Files.createDirectories(tmp.resolve("unpacked"));
        Processes.check(unpacked, "tar", "-xf", archive.toString());
        Files.delete(unpacked.resolve("blobs/sha256/" + hex(initrd)));
        Path refused = tmp.resolve("refused");
        Result load = Shed.run(refused, "image", "load", "-i", unpacked.toString());
        assertThat(load.exit()).isNotZero();
        assertThat(load.errLines()).singleElement().asString().contains("docker.io/library/app:latest")
                .contains("io.shed.initrd.digest").contains(digest(initrd));
        assertThat(Shed.run(refused, "image", "ls", "--format", "json").out().strip()).as("nothing named").isEqualTo("[ ]");
    }

    @Test
    void attachingToAnIndexOrAMissingFileIsAOneLineError() throws Exception {
        Result missing = Shed.run(source, "image", "kernel", "app", "--kernel", tmp.resolve("nope").toString());
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.errLines()).singleElement().asString().contains(tmp.resolve("nope").toString());
        Result both = Shed.run(source, "image", "kernel", "app", "--kernel", tmp.resolve("vmlinuz").toString(),
                "--initrd", tmp.resolve("initrd.img").toString(), "--modules", tmp.toString());
        assertThat(both.exit()).as("--initrd and --modules exclude each other").isEqualTo(2);
        Result ghost = Shed.run(source, "image", "kernel", "ghost", "--kernel", tmp.resolve("vmlinuz").toString());
        assertThat(ghost.exit()).isEqualTo(3);
    }

    private static void ok(Result r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }

    private static byte[] registryBlob(String repo, String digest) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/v2/" + repo + "/blobs/" + digest)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).as("GET blob " + digest).isEqualTo(200);
        return r.body();
    }

    private static byte[] registryManifest(String repo, String tag) throws Exception {
        HttpResponse<byte[]> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/v2/" + repo + "/manifests/" + tag)).header("Accept", MediaType.OCI_MANIFEST).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static void putManifest(String repo, String tag, byte[] bytes) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/v2/" + repo + "/manifests/" + tag)).header("Content-Type", MediaType.OCI_MANIFEST)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    private static byte[] randomBytes(int size, long seed) {
        byte[] b = new byte[size];
        new java.util.Random(seed).nextBytes(b);
        return b;
    }

    private static String digest(byte[] bytes) throws Exception {
        return "sha256:" + hex(bytes);
    }

    private static String hex(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
