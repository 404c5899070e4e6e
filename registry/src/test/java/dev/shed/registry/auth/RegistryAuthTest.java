package dev.shed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.pull.ImagePuller;
import dev.shed.registry.pull.PullRequest;
import dev.shed.registry.pull.PullResult;
import dev.shed.registry.push.ImagePusher;
import dev.shed.registry.push.PushResult;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import dev.shed.registry.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic and bearer-token authentication against a real registry. */
class RegistryAuthTest {
    @TempDir
    Path tmp;

    private Path image() throws Exception {
        Path layout = tmp.resolve("layout");
        TestImages.build(layout, "t", List.of(TestImages.smallTree(tmp.resolve("a"), 1), TestImages.smallTree(tmp.resolve("b"), 2)),
                "linux", "amd64");
        return layout;
    }

    private static void skopeoPush(Path layout, String dest, String creds) throws Exception {
        var r = dev.shed.core.testing.Processes.run(null, List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                "--dest-creds", creds, "oci:" + layout + ":t", "docker://" + dest));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    private PullResult pull(Store store, String ref, CredentialSource creds) throws Exception {
        return new ImagePuller(store, RegistryOptions.defaults(), creds, Progress.NONE).pull(PullRequest.of(ref));
    }

    @Test
    void basicAuthWithExplicitAndDockerConfigCredentials() throws Exception {
        TestImages.require();
        try (TestRegistry reg = TestRegistry.withHtpasswd(tmp.resolve("reg"), "alice", "wonderland")) {
            skopeoPush(image(), reg.host() + "/private/app:1", "alice:wonderland");
            String ref = reg.host() + "/private/app:1";

            assertThatThrownBy(() -> pull(Store.open(tmp.resolve("s0")), ref, CredentialSource.ANONYMOUS))
                    .hasMessageContaining("requires a username and password");
            assertThatThrownBy(() -> pull(Store.open(tmp.resolve("s1")), ref, CredentialSource.fixed(new Credentials("alice", "wrong"))))
                    .hasMessageContaining("401");
            assertThat(Store.open(tmp.resolve("s1")).names().list()).isEmpty();

            assertThat(pull(Store.open(tmp.resolve("s2")), ref, CredentialSource.fixed(new Credentials("alice", "wonderland"))).target())
                    .isNotNull();

            Path dockerConfig = tmp.resolve("docker");
            Files.createDirectories(dockerConfig);
            String auth = Base64.getEncoder().encodeToString("alice:wonderland".getBytes(StandardCharsets.UTF_8));
            Files.writeString(dockerConfig.resolve("config.json"), "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\"" + auth + "\"}}}");
            Store s3 = Store.open(tmp.resolve("s3"));
            pull(s3, ref, new DockerConfigCredentials(dockerConfig.resolve("config.json")));
            assertThat(s3.names().list()).hasSize(1);

            PushResult pushed = new ImagePusher(s3, RegistryOptions.defaults(), CredentialSource.fixed(new Credentials("alice", "wonderland")),
                    Progress.NONE).push(ref, Reference.parse(reg.host() + "/private/copy:1"));
            assertThat(pushed.blobsMounted()).isEqualTo(3);
        }
    }

    @Test
    void anonymousBearerTokenIsFetchedOnceAndReused() throws Exception {
        TestImages.require();
        try (TokenServer tokens = TokenServer.start(tmp.resolve("tokens")).user("bob", "builder");
             TestRegistry reg = TestRegistry.withTokenAuth(tmp.resolve("reg"), tokens)) {
            skopeoPush(image(), reg.host() + "/public/app:1", "bob:builder");
            int before = tokens.requests();
            pull(Store.open(tmp.resolve("s")), reg.host() + "/public/app:1", CredentialSource.ANONYMOUS);
            // manifest + config + two layers, one token
            assertThat(tokens.requests() - before).isEqualTo(1);
            assertThat(tokens.scopesSeen()).contains("repository:public/app:pull");
        }
    }

    @Test
    void pushWithTokenAsksForPushAndMountScopes() throws Exception {
        TestImages.require();
        try (TokenServer tokens = TokenServer.start(tmp.resolve("tokens")).user("bob", "builder");
             TestRegistry reg = TestRegistry.withTokenAuth(tmp.resolve("reg"), tokens)) {
            skopeoPush(image(), reg.host() + "/src/app:1", "bob:builder");
            Store store = Store.open(tmp.resolve("s"));
            String ref = reg.host() + "/src/app:1";
            pull(store, ref, CredentialSource.ANONYMOUS);

            assertThatThrownBy(() -> new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.ANONYMOUS, Progress.NONE)
                    .push(ref, Reference.parse(reg.host() + "/dst/app:1")))
                    .hasMessageContaining("401");

            PushResult pushed = new ImagePusher(store, RegistryOptions.defaults(), CredentialSource.fixed(new Credentials("bob", "builder")),
                    Progress.NONE).push(ref, Reference.parse(reg.host() + "/dst/app:1"));
            assertThat(pushed.blobsMounted()).isEqualTo(3);
            assertThat(tokens.scopesSeen()).contains("repository:dst/app:pull,push", "repository:src/app:pull");
        }
    }

    @Test
    void oneClientReusesItsTokenUntilItExpiresThenRenewsIt() throws Exception {
        TestImages.require();
        try (TokenServer tokens = TokenServer.start(tmp.resolve("tokens")).user("bob", "builder");
             TestRegistry reg = TestRegistry.withTokenAuth(tmp.resolve("reg"), tokens)) {
            skopeoPush(image(), reg.host() + "/public/app:1", "bob:builder");
            tokens.lifetimeSeconds(2);
            Reference ref = Reference.parse(reg.host() + "/public/app:1");
            var client = dev.shed.registry.RegistryClient.open(ref, List.of(dev.shed.registry.RegistryClient.pullScope(ref)),
                    RegistryOptions.defaults(), CredentialSource.ANONYMOUS, dev.shed.registry.http.HttpClients.system().newClient(reg.host()));
            int before = tokens.requests();
            var m = client.manifest("1");
            var manifest = dev.shed.core.oci.Manifest.parse(m.bytes(), m.mediaType());
            assertThat(client.blobExists(manifest.config().digest())).isTrue();
            assertThat(tokens.requests() - before).isEqualTo(1);
            Thread.sleep(2500);
            assertThat(client.blobExists(manifest.layers().get(0).digest())).isTrue();
            assertThat(tokens.requests() - before).isEqualTo(2);
        }
    }
}
