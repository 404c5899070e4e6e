package dev.shed.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Credentials the way the docker CLI stores them in {@code $DOCKER_CONFIG/config.json} (default
 * {@code ~/.docker}): a per-registry {@code credHelpers} entry first, then the global {@code credsStore}, then
 * the inline {@code auths} entry (base64 {@code user:password} in {@code auth}, or {@code username}/{@code password}).
 */
public final class DockerConfigCredentials implements CredentialSource {
    /** The key docker uses for Docker Hub. */
    static final String HUB_SERVER = "https://index.docker.io/v1/";

    private final Path configFile;
    private final Path helperDirectory;

    public DockerConfigCredentials(Path configFile) {
        this(configFile, null);
    }

    /** {@code helperDirectory}: where docker-credential-* programs are (null: the PATH). */
    public DockerConfigCredentials(Path configFile, Path helperDirectory) {
        this.configFile = configFile;
        this.helperDirectory = helperDirectory;
    }

    /** The config file docker would read: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
    public static DockerConfigCredentials fromEnvironment() {
        String dir = System.getenv("DOCKER_CONFIG");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".docker");
        return new DockerConfigCredentials(base.resolve("config.json"));
    }

    @Override
    public Optional<Credentials> lookup(String registry) throws IOException {
        if (!Files.isRegularFile(configFile)) return Optional.empty();
        JsonNode root = Json.parseObject(Files.readAllBytes(configFile), "docker config " + configFile);
        List<String> keys = Reference.DOCKER_HUB.equals(registry)
                ? List.of(HUB_SERVER, "docker.io", "index.docker.io", "registry-1.docker.io")
                : List.of(registry);
        JsonNode helpers = root.path("credHelpers");
        for (String k : keys) {
            if (helpers.hasNonNull(k)) return new CredentialHelper(helpers.get(k).asText(), helperDirectory).get(serverUrl(registry));
        }
        Optional<Credentials> inline = inlineAuth(root.path("auths"), keys);
        if (inline.isPresent()) return inline;
        if (root.hasNonNull("credsStore") && !root.get("credsStore").asText().isEmpty()) {
            return new CredentialHelper(root.get("credsStore").asText(), helperDirectory).get(serverUrl(registry));
        }
        return Optional.empty();
    }

    private static String serverUrl(String registry) {
        return Reference.DOCKER_HUB.equals(registry) ? HUB_SERVER : registry;
    }

    private Optional<Credentials> inlineAuth(JsonNode auths, List<String> keys) {
        for (String wanted : keys) {
            for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!wanted.equals(e.getKey()) && !stripUrl(wanted).equals(stripUrl(e.getKey()))) continue;
                JsonNode a = e.getValue();
                if (a.hasNonNull("auth") && !a.get("auth").asText().isEmpty()) {
                    String decoded;
                    try {
                        decoded = new String(Base64.getDecoder().decode(a.get("auth").asText().trim()), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException ex) {
                        throw new IllegalArgumentException("docker config " + configFile + ": auths." + e.getKey() + ".auth is not base64");
                    }
                    int colon = decoded.indexOf(':');
                    if (colon < 0) throw new IllegalArgumentException("docker config " + configFile + ": auths." + e.getKey() + ".auth is not user:password");
                    return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
                }
                if (a.hasNonNull("username") && a.hasNonNull("password")) {
                    return Optional.of(new Credentials(a.get("username").asText(), a.get("password").asText()));
                }
            }
        }
        return Optional.empty();
    }

    /** {@code https://host:5000/v1/} → {@code host:5000}, as docker matches auths keys. */
    static String stripUrl(String key) {
        String s = key;
        int scheme = s.indexOf("://");
        if (scheme >= 0) s = s.substring(scheme + 3);
        int slash = s.indexOf('/');
        if (slash >= 0) s = s.substring(0, slash);
        return s;
    }
}
