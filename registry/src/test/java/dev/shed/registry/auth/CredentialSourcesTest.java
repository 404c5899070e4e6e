package dev.shed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Reference;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.pull.ImagePuller;
import dev.shed.registry.pull.PullRequest;
import dev.shed.registry.pull.PullResult;
import dev.shed.registry.push.ImagePusher;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import dev.shed.registry.testing.TokenServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull and push with credentials from docker's config.json, both inline ({@code auths}) and through a
 * credential helper script ({@code credHelpers}), against an htpasswd registry and a token-auth registry; and the
 * failure without credentials.
 */
class CredentialSourcesTest {
    private static final String USER = "carol";
    private static final String PASSWORD = "s3cret-pw";

    @TempDir
    Path tmp;

    @Test
    void basicAuthRegistry() throws Exception {
        TestImages.require();
        try (TestRegistry reg = TestRegistry.withHtpasswd(tmp.resolve("reg"), USER, PASSWORD)) {
            String ref = seed(reg);
            assertThatThrownBy(() -> pull(Store.open(tmp.resolve("none")), ref, CredentialSource.ANONYMOUS))
                    .hasMessageContaining(reg.host()).hasMessageContaining("requires a username and password");
            assertThat(Store.open(tmp.resolve("none")).names().list()).isEmpty();
            pullAndPushWith(reg, ref, inlineConfig(reg), "auths");
            pullAndPushWith(reg, ref, helperConfig(reg), "helper");
        }
    }

    @Test
    void tokenAuthRegistry() throws Exception {
        TestImages.require();
        try (TokenServer tokens = TokenServer.start(tmp.resolve("tokens")).user(USER, PASSWORD);
             TestRegistry reg = TestRegistry.withTokenAuth(tmp.resolve("reg"), tokens)) {
            String ref = seed(reg);
            // this token server lets anyone pull but only users push
            Store anonymous = Store.open(tmp.resolve("none"));
            pull(anonymous, ref, CredentialSource.ANONYMOUS);
            assertThatThrownBy(() -> push(anonymous, ref, reg.host() + "/none/app:1", CredentialSource.ANONYMOUS))
                    .hasMessageContaining(reg.host()).hasMessageContaining("401").hasMessageContaining("credentials");
            pullAndPushWith(reg, ref, inlineConfig(reg), "auths");
            pullAndPushWith(reg, ref, helperConfig(reg), "helper");
            assertThat(tokens.scopesSeen()).contains("repository:auths/app:pull,push", "repository:helper/app:pull,push");
        }
    }

    /** Pulls {@code ref} into a fresh store and pushes it to REG/{@code repo}/app:1 with {@code creds}. */
    private void pullAndPushWith(TestRegistry reg, String ref, CredentialSource creds, String repo) throws Exception {
        Store store = Store.open(tmp.resolve("store-" + repo));
        PullResult pulled = pull(store, ref, creds);
        String dest = reg.host() + "/" + repo + "/app:1";
        push(store, ref, dest, creds);
        assertThat(Digest.of(TestImages.rawManifest(dest, USER + ":" + PASSWORD))).isEqualTo(pulled.target().digest());
    }

    private String seed(TestRegistry reg) throws Exception {
        Path layout = tmp.resolve("layout");
        TestImages.build(layout, "t", List.of(TestImages.smallTree(tmp.resolve("a"), 1)), "linux", "amd64");
        String ref = reg.host() + "/private/app:1";
        var r = dev.shed.core.testing.Processes.run(null, List.of("skopeo", "copy", "--quiet", "--dest-tls-verify=false",
                "--dest-creds", USER + ":" + PASSWORD, "oci:" + layout + ":t", "docker://" + ref));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return ref;
    }

    private CredentialSource inlineConfig(TestRegistry reg) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("docker-inline"));
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Files.writeString(dir.resolve("config.json"), "{\"auths\":{\"" + reg.host() + "\":{\"auth\":\"" + auth + "\"}}}");
        return new DockerConfigCredentials(dir.resolve("config.json"), dir);
    }

    /** config.json naming a helper for the registry, and the helper: a shell script speaking docker's protocol. */
    private CredentialSource helperConfig(TestRegistry reg) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("docker-helper"));
        Files.writeString(dir.resolve("config.json"), "{\"credHelpers\":{\"" + reg.host() + "\":\"shedtest\"}}");
        Path helper = dir.resolve("docker-credential-shedtest");
        Files.writeString(helper, "#!/bin/sh\n"
                + "[ \"$1\" = get ] || exit 3\n"
                + "read -r server\n"
                + "if [ \"$server\" = '" + reg.host() + "' ]; then\n"
                + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"" + USER + "\",\"Secret\":\"" + PASSWORD + "\"}' \"$server\"\n"
                + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new DockerConfigCredentials(dir.resolve("config.json"), dir);
    }

    private static PullResult pull(Store store, String ref, CredentialSource creds) throws Exception {
        try (ImagePuller p = new ImagePuller(store, RegistryOptions.defaults(), creds, Progress.NONE)) {
            return p.pull(PullRequest.of(ref));
        }
    }

    private static void push(Store store, String source, String dest, CredentialSource creds) throws Exception {
        try (ImagePusher p = new ImagePusher(store, RegistryOptions.defaults(), creds, Progress.NONE)) {
            p.push(source, Reference.parse(dest));
        }
    }
}
