package dev.shed.registry.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.testing.Integration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A credential helper says "no entry for this server" only through the text it prints (docker's protocol has no
 * status for it). That text is defined by docker-credential-helpers; this reads it from the library's source
 * (Debian's golang-github-docker-docker-credential-helpers-dev) and has a helper print it, so a reworded protocol
 * fails here rather than turning every anonymous pull into a credential error.
 */
class CredentialHelperNotFoundTest {
    private static final Path UPSTREAM = Path.of("/usr/share/gocode/src/github.com/docker/docker-credential-helpers/credentials/error.go");

    @TempDir
    Path tmp;

    @Test
    void theUpstreamNotFoundMessageMeansNoCredentials() throws Exception {
        if (!Files.isRegularFile(UPSTREAM)) {
            if (Integration.required()) throw new AssertionError(UPSTREAM + " missing (apt package golang-github-docker-docker-credential-helpers-dev)");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, UPSTREAM + " not installed");
        }
        Matcher m = Pattern.compile("errCredentialsNotFoundMessage\\s*=\\s*\"([^\"]+)\"").matcher(Files.readString(UPSTREAM));
        assertThat(m.find()).as("the constant in " + UPSTREAM).isTrue();
        String notFound = m.group(1);

        Path helper = tmp.resolve("docker-credential-upstreamtext");
        Files.writeString(helper, "#!/bin/sh\ncat >/dev/null\necho '" + notFound + "'\nexit 1\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(new CredentialHelper("upstreamtext", tmp).get("registry.example")).isEmpty();

        Files.writeString(helper, "#!/bin/sh\ncat >/dev/null\necho 'permission denied'\nexit 1\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CredentialHelper("upstreamtext", tmp).get("registry.example"))
                .hasMessageContaining("permission denied");
    }
}
