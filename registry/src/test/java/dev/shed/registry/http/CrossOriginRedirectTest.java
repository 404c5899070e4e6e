package dev.shed.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.auth.Credentials;
import dev.shed.registry.pull.ImagePuller;
import dev.shed.registry.pull.PullRequest;
import dev.shed.registry.pull.PullResult;
import dev.shed.registry.push.ImagePusher;
import dev.shed.registry.testing.SplitOriginProxy;
import dev.shed.registry.testing.SplitOriginProxy.Received;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's credentials never leave its origin: blob GETs redirected (307) to another origin, and upload
 * Locations on another origin, are followed without the Authorization header. The registry is a real
 * docker-registry behind htpasswd, so a credential is in play on every request to it.
 */
class CrossOriginRedirectTest {
    @TempDir
    Path tmp;

    private static final CredentialSource ALICE = CredentialSource.fixed(new Credentials("alice", "wonderland"));

    @Test
    void blobsRedirectedToAnotherOriginArePulledWithoutTheCredentials() throws Exception {
        TestImages.require();
        try (TestRegistry registry = TestRegistry.withHtpasswd(tmp.resolve("registry"), "alice", "wonderland");
             SplitOriginProxy proxy = new SplitOriginProxy(registry, "alice", "wonderland")) {
            Path layout = tmp.resolve("layout");
            TestImages.build(layout, "small", List.of(TestImages.smallTree(tmp.resolve("l1"), 1), TestImages.smallTree(tmp.resolve("l2"), 2)),
                    "linux", "amd64");
            skopeo(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", "alice:wonderland",
                    "oci:" + layout + ":small", "docker://" + registry.host() + "/red/small:1"));
            byte[] remote = TestImages.rawManifest(registry.host() + "/red/small:1", "alice:wonderland");
            Manifest manifest = Manifest.parse(remote, dev.shed.core.oci.MediaType.OCI_MANIFEST);

            Store store = Store.open(tmp.resolve("store"));
            PullResult pulled;
            try (ImagePuller p = new ImagePuller(store, RegistryOptions.defaults(), ALICE, Progress.NONE)) {
                pulled = p.pull(PullRequest.of(proxy.host() + "/red/small:1"));
            }
            assertThat(pulled.target().digest()).isEqualTo(Digest.of(remote));
            for (var layer : manifest.layers()) assertThat(store.blobs().exists(layer.digest())).isTrue();

            List<Received> cdn = proxy.received();
            assertThat(cdn).extracting(Received::method).containsOnly("GET");
            // every layer and the config came from the second origin
            assertThat(cdn).hasSize(manifest.layers().size() + 1);
            assertThat(cdn).noneMatch(r -> r.hasHeader("Authorization"));
            // while the registry's own origin did get the credential
            assertThat(proxy.frontHeaders()).anyMatch(h -> h.getOrDefault("Authorization", List.of()).stream().anyMatch(v -> v.startsWith("Basic ")));
        }
    }

    @Test
    void uploadsToALocationOnAnotherOriginGoWithoutTheCredentials() throws Exception {
        TestImages.require();
        try (TestRegistry registry = TestRegistry.withHtpasswd(tmp.resolve("registry"), "alice", "wonderland");
             SplitOriginProxy proxy = new SplitOriginProxy(registry, "alice", "wonderland")) {
            Path layout = tmp.resolve("layout");
            TestImages.build(layout, "small", List.of(TestImages.smallTree(tmp.resolve("l1"), 3)), "linux", "amd64");
            skopeo(List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false", "--dest-creds", "alice:wonderland",
                    "oci:" + layout + ":small", "docker://" + registry.host() + "/red/src:1"));
            Store store = Store.open(tmp.resolve("store"));
            String src = registry.host() + "/red/src:1";
            try (ImagePuller p = new ImagePuller(store, RegistryOptions.defaults(), ALICE, Progress.NONE)) {
                p.pull(PullRequest.of(src));
            }
            // pushed through the front (another host:port than the source, so no cross-repository mount)
            try (ImagePusher p = new ImagePusher(store, RegistryOptions.defaults(), ALICE, Progress.NONE)) {
                p.push(src, Reference.parse(proxy.host() + "/red/copy:1"));
            }
            List<Received> uploads = proxy.received();
            assertThat(uploads).extracting(Received::method).contains("PUT");
            assertThat(uploads).noneMatch(r -> r.hasHeader("Authorization"));
            assertThat(TestImages.rawManifest(registry.host() + "/red/copy:1", "alice:wonderland"))
                    .isEqualTo(TestImages.rawManifest(src, "alice:wonderland"));
        }
    }

    private static void skopeo(List<String> cmd) throws Exception {
        var r = dev.shed.core.testing.Processes.run(null, cmd);
        if (r.exitCode() != 0) throw new AssertionError(String.join(" ", cmd) + ": " + r.stderr());
    }
}
