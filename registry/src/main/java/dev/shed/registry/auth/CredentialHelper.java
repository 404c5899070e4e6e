package dev.shed.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Docker's credential helper protocol: {@code docker-credential-<name> get} reads the server URL on stdin and
 * prints {@code {"ServerURL":…,"Username":…,"Secret":…}}; "credentials not found" means no entry.
 */
public final class CredentialHelper {
    private final String name;
    private final java.nio.file.Path directory;

    /** A helper found on the PATH, as docker runs it. */
    public CredentialHelper(String name) {
        this(name, null);
    }

    /** A helper in {@code directory} (null: the PATH). */
    public CredentialHelper(String name, java.nio.file.Path directory) {
        if (!name.matches("[A-Za-z0-9._-]+")) throw new IllegalArgumentException("invalid credential helper name '" + name + "'");
        this.name = name;
        this.directory = directory;
    }

    public String program() {
        String program = "docker-credential-" + name;
        return directory == null ? program : directory.resolve(program).toString();
    }

    public Optional<Credentials> get(String serverUrl) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(program(), "get").redirectError(ProcessBuilder.Redirect.PIPE).start();
        } catch (IOException e) {
            throw new IOException("credential helper " + program() + " could not be run (is it on the PATH?): " + e.getMessage());
        }
        try (OutputStream in = p.getOutputStream()) {
            in.write(serverUrl.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("credential helper " + program() + " timed out for " + serverUrl);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + program());
        }
        String text = new String(out, StandardCharsets.UTF_8).trim();
        if (p.exitValue() != 0) {
            String msg = (text + " " + err).trim();
            if (msg.toLowerCase(java.util.Locale.ROOT).contains("credentials not found")) return Optional.empty();
            throw new IOException("credential helper " + program() + " failed for " + serverUrl + ": " + msg);
        }
        JsonNode n = Json.parseObject(out, "output of " + program());
        String user = Json.text(n, "Username");
        String secret = Json.text(n, "Secret");
        if (secret == null || secret.isEmpty()) return Optional.empty();
        return Optional.of(new Credentials(user == null ? "" : user, secret));
    }
}
