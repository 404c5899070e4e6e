package dev.shed.registry.testing;

import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real CNCF distribution registry (Debian's /usr/bin/docker-registry) on 127.0.0.1 and a free port, storing
 * into a temp directory; optionally behind htpasswd (bcrypt) or token auth. Stopped by {@link #close()}.
 */
public final class TestRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;
    private final boolean tls;

    private TestRegistry(Process process, int port, Path dir, boolean tls) {
        this.process = process;
        this.port = port;
        this.dir = dir;
        this.tls = tls;
    }

    /** Skips (or fails under SHED_REQUIRE_INTEGRATION) when docker-registry is absent. */
    public static void require() {
        Integration.requireTool("docker-registry");
    }

    public static TestRegistry anonymous(Path dir) throws Exception {
        return start(dir, "");
    }

    /** Basic auth with one user (bcrypt entry made by htpasswd -Bbn). */
    public static TestRegistry withHtpasswd(Path dir, String user, String password) throws Exception {
        return start(dir, htpasswd(dir, user, password));
    }

    /** Token auth: the registry trusts JWTs signed by {@code tokens}' certificate. */
    public static TestRegistry withTokenAuth(Path dir, TokenServer tokens) throws Exception {
        return start(dir, "auth:\n  token:\n    realm: " + tokens.realm() + "\n    service: " + TokenServer.SERVICE
                + "\n    issuer: " + TokenServer.ISSUER + "\n    rootcertbundle: " + tokens.certificate() + "\n");
    }

    /** Anonymous, serving HTTPS (HTTP/2 and 1.1) with {@code certs}' server certificate. */
    public static TestRegistry withTls(Path dir, TestCertificates certs) throws Exception {
        return start(dir, "", certs);
    }

    /** Basic auth with one user, over HTTPS. */
    public static TestRegistry withTlsAndHtpasswd(Path dir, TestCertificates certs, String user, String password) throws Exception {
        return start(dir, htpasswd(dir, user, password), certs);
    }

    private static String htpasswd(Path dir, String user, String password) throws Exception {
        Integration.requireTool("htpasswd");
        Files.createDirectories(dir);
        String line = Processes.check(dir, "htpasswd", "-Bbn", user, password).trim();
        Path file = dir.resolve("htpasswd");
        Files.writeString(file, line + "\n");
        return "auth:\n  htpasswd:\n    realm: shed-test\n    path: " + file + "\n";
    }

    private static TestRegistry start(Path dir, String auth) throws Exception {
        return start(dir, auth, null);
    }

    private static TestRegistry start(Path dir, String auth, TestCertificates certs) throws Exception {
        require();
        Files.createDirectories(dir);
        int port = FreePorts.next();
        String config = "version: 0.1\n"
                + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
                + "storage:\n  filesystem:\n    rootdirectory: " + dir.resolve("data") + "\n  delete:\n    enabled: true\n"
                + "http:\n  addr: 127.0.0.1:" + port + "\n"
                + (certs == null ? "" : "  tls:\n    certificate: " + certs.serverCert() + "\n    key: " + certs.serverKey() + "\n")
                + auth;
        Path cfg = dir.resolve("config.yml");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder("docker-registry", "serve", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        TestRegistry r = new TestRegistry(p, port, dir, certs != null);
        r.awaitReady();
        return r;
    }

    private void awaitReady() throws Exception {
        if (tls) {
            awaitListening();
            return;
        }
        HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("docker-registry exited: " + log());
            try {
                HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create(url() + "/v2/")).version(HttpClient.Version.HTTP_1_1).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200 || r.statusCode() == 401) return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not answer on port " + port + ": " + log());
    }

    /** A TLS registry is ready once it accepts connections: Go loads the certificate before it listens. */
    private void awaitListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("docker-registry exited: " + log());
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        close();
        throw new IllegalStateException("docker-registry did not listen on port " + port + ": " + log());
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("registry.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** host:port, as used in image references. */
    public String host() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public String url() {
        return (tls ? "https://" : "http://") + host();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
