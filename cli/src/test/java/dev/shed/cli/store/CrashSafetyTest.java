package dev.shed.cli.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import dev.shed.core.testing.OciLayoutBuilder;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Separate shed processes: SIGKILL in the middle of an import, and two imports racing on one store. */
class CrashSafetyTest {
    @TempDir
    Path tmp;

    /** Writes {@code size} pseudo-random bytes as a blob of the layout; returns its descriptor. */
    private static Descriptor bigBlob(Path layout, long size, long seed) throws Exception {
        Path tmpFile = layout.resolve("blobs/sha256/.writing");
        var sha = Digest.newSha256();
        Random r = new Random(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmpFile), sha)) {
            for (long left = size; left > 0; left -= buf.length) {
                r.nextBytes(buf);
                out.write(buf, 0, (int) Math.min(buf.length, left));
            }
        }
        Digest d = Digest.fromRaw(sha.digest());
        Files.move(tmpFile, layout.resolve("blobs/sha256").resolve(d.hex()));
        return new Descriptor(MediaType.OCI_LAYER_TAR, d, size);
    }

    /** An image of the given layers (config diff_ids are the layer digests: these layers are plain tars). */
    private static Descriptor image(OciLayoutBuilder b, String name, List<Descriptor> layers) throws Exception {
        var config = Json.object();
        config.put("architecture", "amd64").put("os", "linux");
        var ids = config.putObject("rootfs").put("type", "layers").putArray("diff_ids");
        layers.forEach(l -> ids.add(l.digest().toString()));
        Descriptor cfg = b.blob(MediaType.OCI_CONFIG, Json.bytes(config));
        var m = Json.object();
        m.put("schemaVersion", 2).put("mediaType", MediaType.OCI_MANIFEST);
        m.set("config", cfg.toJson());
        var arr = m.putArray("layers");
        layers.forEach(l -> arr.add(l.toJson()));
        Descriptor md = b.blob(MediaType.OCI_MANIFEST, Json.bytes(m));
        b.name(name, md);
        return md;
    }

    /** Every blob verifies; every name resolves to a manifest whose config and layers are all present and verify. */
    private static void assertConsistent(Path root) throws Exception {
        Store store = Store.open(root);
        for (Digest d : store.blobs().list()) assertThat(store.blobs().verify(d)).as("blob %s", d).isTrue();
        Json.parseObject(Files.readAllBytes(root.resolve("index.json")), "index.json");
        ImageReader reader = new ImageReader(store);
        for (NamedImage n : store.names().list()) {
            StoredImage img = reader.load(n.name(), n.target());
            for (Manifest m : img.manifests()) {
                assertThat(store.blobs().exists(m.config().digest())).isTrue();
                for (Descriptor l : m.layers()) assertThat(store.blobs().exists(l.digest())).as("%s layer %s", n.name(), l.digest()).isTrue();
            }
        }
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void sigkillMidImportLeavesNoVisiblePartialStateAndTheNextImportSucceeds() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        Descriptor small = b.blob(MediaType.OCI_LAYER_TAR, "small layer".getBytes());
        Descriptor big = bigBlob(b.dir(), 100L << 20, 1);
        image(b, "big", List.of(small, big));
        Path root = tmp.resolve("root");
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Path partial = root.resolve("shed/ingest").resolve(big.digest().hex() + ".partial");

        Process p = Shed.start(root, logs, "killed", "image", "build", "--from-oci-archive", b.dir().toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(partial) && Files.size(partial) > 0) && p.isAlive() && System.nanoTime() < deadline) Thread.sleep(2);
        assertThat(p.isAlive()).as("import still running when its ingest file appeared").isTrue();
        p.destroyForcibly(); // SIGKILL
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(137);

        assertThat(Files.exists(root.resolve("blobs/sha256").resolve(big.digest().hex()))).as("no partial blob visible").isFalse();
        assertThat(Store.open(root).names().list()).as("no name for an incomplete image").isEmpty();
        assertConsistent(root);

        Shed.Result again = Shed.runProcess(root, logs, "again", "image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(again.exit()).as(again.err()).isZero();
        Store store = Store.open(root);
        assertThat(store.names().get("big")).isPresent();
        assertThat(store.blobs().verify(big.digest())).isTrue();
        assertThat(count(root.resolve("shed/ingest"))).as("the crash's ingest file was replaced by the next write").isZero();
        assertConsistent(root);
    }

    @Test
    void twoProcessesImportingOverlappingImagesBothSucceed() throws Exception {
        Path shared = tmp.resolve("shared");
        OciLayoutBuilder a = new OciLayoutBuilder(tmp.resolve("a"));
        OciLayoutBuilder c = new OciLayoutBuilder(tmp.resolve("c"));
        Files.createDirectories(shared);
        Descriptor s1 = bigBlob(a.dir(), 20L << 20, 11);
        Descriptor s2 = bigBlob(a.dir(), 20L << 20, 12);
        for (Descriptor s : List.of(s1, s2)) {
            Files.copy(a.dir().resolve("blobs/sha256").resolve(s.digest().hex()), c.dir().resolve("blobs/sha256").resolve(s.digest().hex()));
        }
        Descriptor onlyA = bigBlob(a.dir(), 5L << 20, 21);
        Descriptor onlyC = bigBlob(c.dir(), 5L << 20, 31);
        image(a, "first", List.of(s1, onlyA, s2));
        image(c, "second", List.of(s2, s1, onlyC));
        image(c, "third", List.of(s1));

        Path root = tmp.resolve("root");
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Process p1 = Shed.start(root, logs, "p1", "image", "build", "--from-oci-archive", a.dir().toString());
        Process p2 = Shed.start(root, logs, "p2", "image", "build", "--from-oci-archive", c.dir().toString());
        assertThat(p1.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p2.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(p1.exitValue()).as(Files.readString(logs.resolve("p1.err"))).isZero();
        assertThat(p2.exitValue()).as(Files.readString(logs.resolve("p2.err"))).isZero();

        Store store = Store.open(root);
        assertThat(store.names().list()).extracting(NamedImage::name)
                .containsExactlyInAnyOrder("docker.io/library/first:latest", "docker.io/library/second:latest", "docker.io/library/third:latest");
        assertThat(store.blobs().list()).contains(s1.digest(), s2.digest(), onlyA.digest(), onlyC.digest());
        assertConsistent(root);
        assertThat(count(root.resolve("shed/ingest"))).isZero();
    }

    @Test
    void tagsAndRmsBesideAnImportInAnotherProcessLoseNothing() throws Exception {
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        image(b, "big", List.of(bigBlob(b.dir(), 30L << 20, 41), bigBlob(b.dir(), 30L << 20, 42)));
        OciLayoutBuilder small = new OciLayoutBuilder(tmp.resolve("small"));
        image(small, "small", List.of(small.blob(MediaType.OCI_LAYER_TAR, "x".getBytes())));
        Path root = tmp.resolve("root");
        assertThat(Shed.run(root, "image", "build", "--from-oci-archive", small.dir().toString()).exit()).isZero();
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        Process p = Shed.start(root, logs, "import", "image", "build", "--from-oci-archive", b.dir().toString());
        int rounds = 0;
        while (p.isAlive() || rounds < 5) {
            assertThat(Shed.run(root, "image", "tag", "small", "copy" + rounds).exit()).isZero();
            assertThat(Shed.run(root, "image", "rm", "copy" + rounds).exit()).isZero();
            rounds++;
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(logs.resolve("import.err"))).isZero();
        assertThat(Store.open(root).names().list()).extracting(NamedImage::name)
                .containsExactlyInAnyOrder("docker.io/library/big:latest", "docker.io/library/small:latest");
        assertConsistent(root);
    }
}
