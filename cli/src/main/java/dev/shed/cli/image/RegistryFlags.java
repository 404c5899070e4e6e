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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** Registry flags shared by pull and push; what they leave unset comes from the store's config file. */
public final class RegistryFlags {
    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "Talk plain HTTP to this registry (repeatable; added to the config's registries.insecure). Loopback hosts (127.0.0.0/8, ::1, localhost) always use HTTP; everything else HTTPS.")
    List<String> insecureRegistries = List.of();

    @Option(names = "--ca-cert", paramLabel = "FILE",
            description = "PEM file of CA certificates to trust for this registry, besides the system's trust store and the config's registries.ca-certs (repeatable). The registry is then reached over HTTPS, also on a loopback address.")
    List<Path> caCerts = List.of();

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
        o = o.withInsecureRegistries(insecure).withCaFiles(checkedCaFiles(caCerts));
        return concurrency == null ? o : o.withConcurrency(concurrency);
    }

    /** The --ca-cert files as absolute paths, each an existing readable file (read as PEM when TLS starts). */
    public static List<Path> checkedCaFiles(List<Path> files) {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) throw new IllegalArgumentException("--ca-cert " + f + ": no such file");
            if (!Files.isReadable(f)) throw new IllegalArgumentException("--ca-cert " + f + ": not readable");
        }
        return files.stream().map(Path::toAbsolutePath).toList();
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
