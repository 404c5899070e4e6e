package dev.shed.registry.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.BlobMismatchException;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.http.RetryPolicy;
import dev.shed.registry.push.ImagePusher;
import dev.shed.registry.testing.FaultProxy;
import dev.shed.registry.testing.FaultProxy.Fault;
import dev.shed.registry.testing.FaultProxy.Seen;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registries and networks that fail: shed retries what is worth retrying, resumes with Range, stores nothing wrong. */
class FaultInjectionTest {
    static final long BIG = 3_000_000;
    static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(3));
    static TestRegistry registry;
    static Manifest manifest;
    static Descriptor bigLayer;

    FaultProxy proxy;
    Store store;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        registry = TestRegistry.anonymous(dir.resolve("registry"));
        Path layout = dir.resolve("layout");
        Path big = dir.resolve("big");
        TestImages.randomFile(big.resolve("blob.bin"), BIG, 7);
        TestImages.build(layout, "t", List.of(TestImages.smallTree(dir.resolve("small"), 1), big), "linux", "amd64");
        TestImages.push(layout, "t", registry.host() + "/faulty/app:1", false);
        manifest = Manifest.parse(TestImages.rawManifest(registry.host() + "/faulty/app:1"), MediaType.OCI_MANIFEST);
        bigLayer = manifest.layers().get(1);
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    @BeforeEach
    void open() throws Exception {
        proxy = FaultProxy.in(registry);
        store = Store.open(tmp.resolve("store"));
    }

    @AfterEach
    void close() {
        proxy.close();
    }

    private PullResult pull() throws Exception {
        return new ImagePuller(store, RegistryOptions.defaults().withRetry(FAST), CredentialSource.ANONYMOUS, Progress.NONE)
                .pull(PullRequest.of(proxy.host() + "/faulty/app:1"));
    }

    private List<Seen> requestsFor(Digest d) {
        return proxy.seen().stream().filter(s -> s.method().equals("GET") && s.path().endsWith("/blobs/" + d)).toList();
    }

    private void assertCompleteAndCorrect(PullResult r) throws Exception {
        assertThat(r.target().digest()).isEqualTo(manifest.digest());
        for (Descriptor l : manifest.layers()) assertThat(store.blobs().verify(l.digest())).isTrue();
        assertThat(store.names().list()).hasSize(1);
    }

    @Test
    void retries503OnManifestAndBlob() throws Exception {
        proxy.add(Fault.status("GET /v2/faulty/app/manifests/1", 503, 2));
        proxy.add(Fault.status("/blobs/" + bigLayer.digest(), 503, 2));
        assertCompleteAndCorrect(pull());
        assertThat(requestsFor(bigLayer.digest())).extracting(Seen::status).containsExactly(503, 503, 200);
    }

    @Test
    void honoursRetryAfterOn429() throws Exception {
        proxy.add(Fault.tooManyRequests("/blobs/" + bigLayer.digest(), "1", 1));
        long start = System.nanoTime();
        assertCompleteAndCorrect(pull());
        assertThat(requestsFor(bigLayer.digest())).extracting(Seen::status).containsExactly(429, 200);
        // the retry waited for the server's Retry-After, not the 10 ms backoff of this policy
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void resumesWithRangeAfterTheConnectionDropsMidBlob() throws Exception {
        proxy.add(Fault.truncate("/blobs/" + bigLayer.digest(), 1_000_000, 2));
        assertCompleteAndCorrect(pull());
        List<Seen> gets = requestsFor(bigLayer.digest());
        assertThat(gets).hasSize(3);
        assertThat(gets.get(0).range()).isNull();
        assertThat(gets.get(1).range()).startsWith("bytes=").isNotEqualTo("bytes=0-");
        assertThat(gets.get(1).status()).isEqualTo(206);
        // resumed, not restarted: the blob crossed the wire about once (plus the two cut-off tails)
        assertThat(proxy.blobBytesServed()).isLessThan(bigLayer.size() + 2 * 1_000_000 + 100_000);
    }

    @Test
    void refetchesOnceWhenBytesAreCorrupted() throws Exception {
        proxy.add(Fault.corrupt("/blobs/" + bigLayer.digest(), 12345, 1));
        assertCompleteAndCorrect(pull());
        assertThat(requestsFor(bigLayer.digest())).hasSize(2);
    }

    @Test
    void persistentCorruptionFailsClearlyAndStoresNothingWrong() throws Exception {
        proxy.add(Fault.corrupt("/blobs/" + bigLayer.digest(), 12345, 100));
        assertThatThrownBy(this::pull).isInstanceOf(BlobMismatchException.class)
                .hasMessageContaining(bigLayer.digest().toString());
        assertThat(store.blobs().exists(bigLayer.digest())).isFalse();
        assertThat(store.names().list()).isEmpty();
        assertThat(store.blobs().list()).allSatisfy(d -> assertThat(store.blobs().verify(d)).isTrue());
    }

    @Test
    void doesNotRetryOther4xx() throws Exception {
        proxy.add(Fault.status("/blobs/" + bigLayer.digest(), 403, 100));
        assertThatThrownBy(this::pull).hasMessageContaining("403").hasMessageContaining(bigLayer.digest().toString());
        assertThat(requestsFor(bigLayer.digest())).hasSize(1);
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void givesUpAfterTheRetryBudgetWithAClearError() throws Exception {
        proxy.add(Fault.status("GET /v2/faulty/app/manifests/1", 503, 100));
        assertThatThrownBy(this::pull).hasMessageContaining("503").hasMessageContaining("faulty/app");
        assertThat(proxy.seen().stream().filter(s -> s.path().contains("/manifests/"))).hasSize(FAST.maxAttempts());
        assertThat(store.names().list()).isEmpty();
    }

    @Test
    void rejectsAManifestWhoseBytesDoNotMatchTheRegistryDigest() throws Exception {
        proxy.add(Fault.corrupt("GET /v2/faulty/app/manifests/1", 10, 100));
        assertThatThrownBy(this::pull).hasMessageContaining("registry says digest").hasMessageContaining("hash to");
        assertThat(store.names().list()).isEmpty();
        assertThat(Files.exists(store.layout().blob(manifest.digest()))).isFalse();
    }

    @Test
    void pushRetriesA503AndStillLandsTheSameDigest() throws Exception {
        new ImagePuller(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE)
                .pull(PullRequest.of(registry.host() + "/faulty/app:1"));
        proxy.add(Fault.status("PUT /v2/pushed/app/blobs/uploads/", 503, 1));
        proxy.add(Fault.status("PUT /v2/pushed/app/manifests/", 500, 1));
        var result = new ImagePusher(store, RegistryOptions.defaults().withRetry(FAST), CredentialSource.ANONYMOUS, Progress.NONE)
                .push(registry.host() + "/faulty/app:1", Reference.parse(proxy.host() + "/pushed/app:1"));
        assertThat(result.target().digest()).isEqualTo(manifest.digest());
        assertThat(Digest.of(TestImages.rawManifest(registry.host() + "/pushed/app:1"))).isEqualTo(manifest.digest());
    }
}
