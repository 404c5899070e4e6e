package dev.shed.cli.image;

import dev.shed.registry.RegistryOptions;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.auth.Credentials;
import dev.shed.registry.auth.DockerConfigCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import picocli.CommandLine.Option;

/** Registry flags shared by pull and push; later defaults come from the store's config file. */
public final class RegistryFlags {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Talk plain HTTP to this registry (repeatable). Loopback hosts (127.0.0.0/8, ::1, localhost) always use HTTP; everything else HTTPS.")
    List<String> insecureRegistries = List.of();

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + RegistryOptions.DEFAULT_CONCURRENCY,
            description = "Blobs transferred at once (default: ${DEFAULT-VALUE}).")
    int concurrency;

    @Option(names = {"-u", "--username"}, paramLabel = "USER",
            description = "Registry user name; the password is read from stdin (--password-stdin). Without it, credentials come from $DOCKER_CONFIG/config.json (or ~/.docker/config.json): credHelpers, credsStore, auths.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password (or token) for --username from stdin.")
    boolean passwordStdin;

    RegistryOptions options() {
        return RegistryOptions.defaults().withInsecureRegistries(new LinkedHashSet<>(insecureRegistries)).withConcurrency(concurrency);
    }

    CredentialSource credentials() throws IOException {
        if (passwordStdin && username == null) throw new IllegalArgumentException("--password-stdin needs --username");
        if (username != null) {
            if (!passwordStdin) throw new IllegalArgumentException("--username needs --password-stdin (passwords on the command line leak into shell history)");
            String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            if (password == null || password.isEmpty()) throw new IllegalArgumentException("--password-stdin: no password on stdin");
            return CredentialSource.fixed(new Credentials(username, password));
        }
        return DockerConfigCredentials.fromEnvironment();
    }
}
