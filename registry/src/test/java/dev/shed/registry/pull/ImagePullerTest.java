package dev.shed.registry.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.image.ImageNotFoundException;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Index;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Processes;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.push.ImagePusher;
import dev.shed.registry.push.PushResult;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull and push against a real distribution registry, with skopeo and umoci as independent peers. */
class ImagePullerTest {
    static TestRegistry registry;
    static Path layout;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        TestRegistry.require();
        TestImages.require();
        registry = TestRegistry.anonymous(dir.resolve("registry"));
        layout = dir.resolve("layout");
        TestImages.build(layout, "amd64", List.of(TestImages.smallTree(dir.resolve("l1"), 1), TestImages.smallTree(dir.resolve("l2"), 2)),
                "linux", "amd64");
        TestImages.build(layout, "arm64", List.of(TestImages.smallTree(dir.resolve("l3"), 3)), "linux", "arm64");
        TestImages.writeIndex(layout, "multi", List.of("amd64", "arm64"), List.of(new String[] {"linux", "amd64"}, new String[] {"linux", "arm64"}));
        TestImages.push(layout, "amd64", registry.host() + "/oci/app:1", false);
        TestImages.push(layout, "amd64", registry.host() + "/docker/app:1", true);
        TestImages.pushAll(layout, "multi", registry.host() + "/multi/app:1");
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    private ImagePuller puller(Store store) {
        return new ImagePuller(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE);
    }

    private static Manifest storedManifest(Store store, Digest d, String mt) throws Exception {
        return Manifest.parse(store.blobs().read(d), mt);
    }

    @Test
    void pullsOciImageByteForByteAndNamesIt() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/oci/app:1";
        PullResult result = puller(store).pull(PullRequest.of(ref));

        byte[] remote = TestImages.rawManifest(ref);
        assertThat(store.blobs().read(result.target().digest())).isEqualTo(remote);
        assertThat(result.target().mediaType()).isEqualTo(MediaType.OCI_MANIFEST);
        Manifest m = storedManifest(store, result.target().digest(), MediaType.OCI_MANIFEST);
        assertThat(m.layers()).hasSize(2);
        for (Descriptor l : m.layers()) {
            assertThat(store.blobs().exists(l.digest())).isTrue();
            assertThat(store.blobs().verify(l.digest())).isTrue();
        }
        assertThat(store.blobs().exists(m.config().digest())).isTrue();
        assertThat(store.names().get(ref)).map(NamedImage::target).map(Descriptor::digest).contains(result.target().digest());
        assertThat(result.blobsDownloaded()).isEqualTo(3);

        // an independent reader (skopeo) accepts the store as an OCI layout and sees the same manifest
        String raw = Processes.check(null, "skopeo", "inspect", "--raw", "oci:" + store.layout().root() + ":" + ref);
        assertThat(Digest.of(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(result.target().digest());
    }

    @Test
    void secondPullDownloadsNothing() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/oci/app:1";
        puller(store).pull(PullRequest.of(ref));
        PullResult again = puller(store).pull(PullRequest.of(ref));
        assertThat(again.bytesDownloaded()).isZero();
        assertThat(again.blobsDownloaded()).isZero();
    }

    @Test
    void pullsDockerSchema2Image() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/docker/app:1";
        PullResult result = puller(store).pull(PullRequest.of(ref));
        assertThat(result.target().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
        assertThat(store.blobs().read(result.target().digest())).isEqualTo(TestImages.rawManifest(ref));
        Manifest m = storedManifest(store, result.target().digest(), MediaType.DOCKER_MANIFEST);
        assertThat(m.layers()).allSatisfy(l -> assertThat(l.mediaType()).isEqualTo(MediaType.DOCKER_LAYER_GZIP));
        assertThat(m.layers()).allSatisfy(l -> assertThat(store.blobs().exists(l.digest())).isTrue());
    }

    @Test
    void pullsByDigest() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        Digest d = Digest.of(TestImages.rawManifest(registry.host() + "/oci/app:1"));
        String ref = registry.host() + "/oci/app@" + d;
        PullResult result = puller(store).pull(PullRequest.of(ref));
        assertThat(result.target().digest()).isEqualTo(d);
        assertThat(store.names().get(ref)).isPresent();
    }

    @Test
    void pullsOnePlatformOfAnIndexAndNamesTheIndex() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/multi/app:1";
        PullResult result = puller(store).pull(PullRequest.of(ref).withPlatform(Platform.parse("linux/arm64")));

        byte[] remoteIndex = TestImages.rawManifest(ref);
        assertThat(result.target().mediaType()).isEqualTo(MediaType.OCI_INDEX);
        assertThat(store.blobs().read(result.target().digest())).isEqualTo(remoteIndex);
        Index index = Index.parse(remoteIndex, MediaType.OCI_INDEX);
        Descriptor arm = index.select(Platform.parse("linux/arm64")).orElseThrow();
        Descriptor amd = index.select(Platform.parse("linux/amd64")).orElseThrow();
        assertThat(result.manifests()).containsExactly(arm.digest());
        assertThat(store.blobs().exists(arm.digest())).isTrue();
        assertThat(store.blobs().exists(amd.digest())).isFalse();
        Manifest m = storedManifest(store, arm.digest(), arm.mediaType());
        assertThat(m.layers()).allSatisfy(l -> assertThat(store.blobs().exists(l.digest())).isTrue());
        assertThat(store.names().get(ref).orElseThrow().target().digest()).isEqualTo(index.digest());
    }

    @Test
    void allPlatformsFetchesEveryManifest() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        PullResult result = puller(store).pull(PullRequest.of(registry.host() + "/multi/app:1").withAllPlatforms());
        assertThat(result.manifests()).hasSize(2);
        assertThat(result.manifests()).allSatisfy(d -> assertThat(store.blobs().exists(d)).isTrue());
    }

    @Test
    void unknownPlatformIsAClearErrorAndNamesNothing() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/multi/app:1";
        assertThatThrownBy(() -> puller(store).pull(PullRequest.of(ref).withPlatform(Platform.parse("linux/s390x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("linux/s390x").hasMessageContaining("linux/amd64");
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void tooManyLayersIsRefusedBeforeAnyBlobIsFetched() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/oci/app:1"; // two layers
        assertThatThrownBy(() -> puller(store).pull(PullRequest.of(ref).withLimits(new dev.shed.core.image.ImageLimits(1))))
                .isInstanceOf(dev.shed.core.image.ImageLimits.ImageLimitException.class)
                .hasMessageContaining("2 layers").hasMessageContaining("--max-layers 2");
        assertThat(store.names().list()).isEmpty();
        assertThat(store.blobs().list()).isEmpty();
        assertThat(puller(store).pull(PullRequest.of(ref).withLimits(new dev.shed.core.image.ImageLimits(2))).blobsDownloaded()).isEqualTo(3);
    }

    @Test
    void anImageWhoseConfigIsNotJsonIsRefusedAndNamesNothing() throws Exception {
        Path bad = tmp.resolve("bad-layout");
        var b = new dev.shed.core.testing.OciLayoutBuilder(bad);
        var l = b.blob(dev.shed.core.oci.MediaType.OCI_LAYER_TAR, new dev.shed.core.testing.TarLayerBuilder().file("f", "x").tar());
        var cfg = b.blob(dev.shed.core.oci.MediaType.OCI_CONFIG, "not json at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        b.name("bad", b.blob(dev.shed.core.oci.MediaType.OCI_MANIFEST, dev.shed.core.image.build.ImageAssembler.manifest(cfg, List.of(l))));
        TestImages.push(bad, "bad", registry.host() + "/broken/app:1", false); // skopeo copies the config as bytes
        Store store = Store.open(tmp.resolve("store"));
        assertThatThrownBy(() -> puller(store).pull(PullRequest.of(registry.host() + "/broken/app:1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("config " + cfg.digest()).hasMessageContaining("JSON");
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void missingTagIsNotFound() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        assertThatThrownBy(() -> puller(store).pull(PullRequest.of(registry.host() + "/oci/app:nope")))
                .isInstanceOf(ImageNotFoundException.class).hasMessageContaining("oci/app@nope");
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void concurrentPullsOfTheSameImageBothSucceed() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String ref = registry.host() + "/oci/app:1";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            // one Store per JVM (its FileLocks stand in for the OS locks between threads); across processes the
            // same per-digest file locks apply
            Callable<PullResult> job = () -> puller(store).pull(PullRequest.of(ref));
            Future<PullResult> a = pool.submit(job);
            Future<PullResult> b = pool.submit(job);
            assertThat(a.get().target()).isEqualTo(b.get().target());
            // each blob came over the wire once: the per-digest lock made the second fetcher find it present
            assertThat(a.get().blobsDownloaded() + b.get().blobsDownloaded()).isEqualTo(3);
        } finally {
            pool.shutdownNow();
        }
        assertThat(store.blobs().list()).allSatisfy(d -> assertThat(store.blobs().verify(d)).isTrue());
    }

    @Test
    void pushToEmptyRepositoryKeepsTheDigest() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String src = registry.host() + "/docker/app:1";
        PullResult pulled = puller(store).pull(PullRequest.of(src));
        // other registry name space, same registry: blobs are mounted, not uploaded
        Reference dest = Reference.parse(registry.host() + "/copies/app:pushed");
        PushResult pushed = new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE).push(src, dest);
        assertThat(pushed.target().digest()).isEqualTo(pulled.target().digest());
        assertThat(pushed.blobsMounted()).isEqualTo(3);
        assertThat(Digest.of(TestImages.rawManifest(dest.toString()))).isEqualTo(pulled.target().digest());

        // pushing again finds everything present
        PushResult again = new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE).push(src, dest);
        assertThat(again.blobsSkipped()).isEqualTo(3);
        assertThat(again.bytesUploaded()).isZero();
    }

    @Test
    void pushUploadsToAnotherRegistryAndSkopeoCanReadIt() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String src = registry.host() + "/oci/app:1";
        PullResult pulled = puller(store).pull(PullRequest.of(src));
        try (TestRegistry other = TestRegistry.anonymous(tmp.resolve("other"))) {
            Reference dest = Reference.parse(other.host() + "/fresh/app:v1");
            PushResult pushed = new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE).push(src, dest);
            assertThat(pushed.blobsUploaded()).isEqualTo(3);
            assertThat(TestImages.rawManifest(dest.toString())).isEqualTo(store.blobs().read(pulled.target().digest()));
            Path copy = tmp.resolve("copy");
            Processes.check(null, "skopeo", "copy", "--quiet", "--src-tls-verify=false", "docker://" + dest, "oci:" + copy + ":t");
            assertThat(Files.exists(copy.resolve("blobs/sha256/" + pulled.target().digest().hex()))).isTrue();
        }
    }

    @Test
    void pushOfAPlatformPulledIndexSendsTheSameIndexDigest() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String src = registry.host() + "/multi/app:1";
        PullResult pulled = puller(store).pull(PullRequest.of(src).withPlatform(Platform.parse("linux/amd64")));
        ImagePusher pusher = new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE);
        // back to the same repository (the arm64 manifest is there): same index digest
        PushResult same = pusher.push(src, Reference.parse(registry.host() + "/multi/app:again"));
        assertThat(same.target().digest()).isEqualTo(pulled.target().digest());
        assertThat(Digest.of(TestImages.rawManifest(registry.host() + "/multi/app:again"))).isEqualTo(pulled.target().digest());
        // to a repository without the arm64 manifest: refused with a message naming it
        assertThatThrownBy(() -> pusher.push(src, Reference.parse(registry.host() + "/elsewhere/app:1")))
                .hasMessageContaining("linux/arm64").hasMessageContaining("--platform");
    }

    @Test
    void allPlatformsIndexAndDockerV2s2RoundTripThroughAnotherRegistryUnchanged() throws Exception {
        Store store = Store.open(tmp.resolve("store"));
        String multi = registry.host() + "/multi/app:1";
        String docker = registry.host() + "/docker/app:1";
        PullResult index = puller(store).pull(PullRequest.of(multi).withAllPlatforms());
        PullResult v2s2 = puller(store).pull(PullRequest.of(docker));
        try (TestRegistry other = TestRegistry.anonymous(tmp.resolve("other"));
             ImagePusher pusher = new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE)) {
            pusher.push(multi, Reference.parse(other.host() + "/multi/app:2"));
            assertThat(TestImages.rawManifest(other.host() + "/multi/app:2")).isEqualTo(store.blobs().read(index.target().digest()));
            assertThat(index.manifests()).hasSize(2).allSatisfy(m ->
                    assertThat(Digest.of(TestImages.rawManifest(other.host() + "/multi/app@" + m))).isEqualTo(m));

            pusher.push(docker, Reference.parse(other.host() + "/docker/app:2"));
            assertThat(TestImages.rawManifest(other.host() + "/docker/app:2")).isEqualTo(store.blobs().read(v2s2.target().digest()));
            // pulled back into a fresh store: the registry serves it as Docker v2 schema 2, layers and config unchanged
            Store back = Store.open(tmp.resolve("back"));
            PullResult again = puller(back).pull(PullRequest.of(other.host() + "/docker/app:2"));
            assertThat(again.target().mediaType()).isEqualTo(MediaType.DOCKER_MANIFEST);
            assertThat(again.target().digest()).isEqualTo(v2s2.target().digest());
            Manifest m = storedManifest(back, again.target().digest(), MediaType.DOCKER_MANIFEST);
            assertThat(m.config().mediaType()).isEqualTo(MediaType.DOCKER_CONFIG);
            assertThat(m.layers()).allSatisfy(l -> {
                assertThat(l.mediaType()).isEqualTo(MediaType.DOCKER_LAYER_GZIP);
                assertThat(back.blobs().verify(l.digest())).isTrue();
            });
        }
    }
}
