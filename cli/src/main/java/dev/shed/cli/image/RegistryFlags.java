package dev.shed.cli.image;

import dev.shed.core.config.StoreConfig;
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
import java.util.Set;
import picocli.CommandLine.Option;

/** Registry flags shared by pull and push; what they leave unset comes from the store's config file. */
public final class RegistryFlags {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Talk plain HTTP to this registry (repeatable; added to the config's registries.insecure). Loopback hosts (127.0.0.0/8, ::1, localhost) always use HTTP; everything else HTTPS.")
    List<String> insecureRegistries = List.of();

    @Option(names = "--concurrency", paramLabel = "N",
            description = "Blobs transferred at once (default: the config's pull.concurrency, else " + RegistryOptions.DEFAULT_CONCURRENCY + ").")
    Integer concurrency;

    @Option(names = {"-u", "--username"}, paramLabel = "USER",
            description = "Registry user name; the password is read from stdin (--password-stdin). Without it, credentials come from $DOCKER_CONFIG/config.json (or ~/.docker/config.json): credHelpers, credsStore, auths.")
    String username;

    @Option(names = "--password-stdin", description = "Read the password (or token) for --username from stdin.")
    boolean passwordStdin;

    /** The store's settings ({@code shed config}) with these flags on top. */
    RegistryOptions options(StoreConfig config) {
        RegistryOptions o = RegistryOptions.from(config);
        Set<String> insecure = new LinkedHashSet<>(o.insecureRegistries());
        insecure.addAll(insecureRegistries);
        o = o.withInsecureRegistries(insecure);
        return concurrency == null ? o : o.withConcurrency(concurrency);
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
