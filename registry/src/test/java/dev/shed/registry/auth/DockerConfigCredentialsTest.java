package dev.shed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
    @TempDir
    Path dir;

    private DockerConfigCredentials config(String json) throws Exception {
        Files.writeString(dir.resolve("config.json"), json);
        return new DockerConfigCredentials(dir.resolve("config.json"), dir);
    }

    /** A fake docker-credential-NAME that logs its stdin and answers for one server. */
    private void helper(String name, String server, String user, String secret) throws Exception {
        Path p = dir.resolve("docker-credential-" + name);
        Files.writeString(p, "#!/bin/sh\n"
                + "[ \"$1\" = get ] || exit 3\n"
                + "read -r host\n"
                + "echo \"$host\" >> " + dir.resolve(name + ".log") + "\n"
                + "if [ \"$host\" = '" + server + "' ]; then\n"
                + "  printf '{\"ServerURL\":\"%s\",\"Username\":\"" + user + "\",\"Secret\":\"" + secret + "\"}' \"$host\"\n"
                + "else echo 'credentials not found in native keychain'; exit 1; fi\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void inlineAuthsEntry() throws Exception {
        var c = config("{\"auths\":{\"reg.example:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"},"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hubuser:hubpw") + "\"}}}");
        assertThat(c.lookup("reg.example:5000")).contains(new Credentials("alice", "pa:ss"));
        assertThat(c.lookup("docker.io")).contains(new Credentials("hubuser", "hubpw"));
        assertThat(c.lookup("other.example")).isEmpty();
    }

    @Test
    void authsKeysWithSchemeMatchTheHost() throws Exception {
        var c = config("{\"auths\":{\"https://reg.example/v2/\":{\"username\":\"u\",\"password\":\"p\"}}}");
        assertThat(c.lookup("reg.example")).contains(new Credentials("u", "p"));
    }

    @Test
    void credHelperForOneRegistryWins() throws Exception {
        helper("special", "reg.example", "helped", "s3cret");
        var c = config("{\"credHelpers\":{\"reg.example\":\"special\"},\"auths\":{\"reg.example\":{\"auth\":\"" + b64("x:y") + "\"}}}");
        assertThat(c.lookup("reg.example")).contains(new Credentials("helped", "s3cret"));
        assertThat(Files.readString(dir.resolve("special.log")).trim()).isEqualTo("reg.example");
    }

    @Test
    void credsStoreForEverythingElseWithHubServerUrl() throws Exception {
        helper("store", "https://index.docker.io/v1/", "hub", "tok");
        var c = config("{\"credsStore\":\"store\"}");
        assertThat(c.lookup("docker.io")).contains(new Credentials("hub", "tok"));
        assertThat(c.lookup("reg.example")).isEmpty(); // "credentials not found" is not an error
    }

    @Test
    void missingConfigMeansNoCredentials() throws Exception {
        assertThat(new DockerConfigCredentials(dir.resolve("absent.json")).lookup("reg.example")).isEqualTo(Optional.empty());
    }

    @Test
    void brokenHelperIsAClearError() throws Exception {
        var c = config("{\"credsStore\":\"nonexistent\"}");
        assertThatThrownBy(() -> c.lookup("reg.example")).hasMessageContaining("docker-credential-nonexistent");
    }
}
