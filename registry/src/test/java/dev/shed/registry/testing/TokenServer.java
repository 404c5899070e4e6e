package dev.shed.registry.testing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.shed.core.json.Json;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A docker token server for tests: answers GET /token?service=&scope= with an RS256 JWT that the distribution
 * registry verifies against the self-signed certificate made here with openssl. Anonymous callers get pull only;
 * known users (Basic auth) get every action they ask for. Counts token requests.
 */
public final class TokenServer implements AutoCloseable {
    public static final String SERVICE = "shed-test-registry";
    public static final String ISSUER = "shed-test-issuer";

    private final HttpServer server;
    private final PrivateKey key;
    private final String keyId;
    private final Path certificate;
    private final Map<String, String> users = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> scopesSeen = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile long lifetimeSeconds = 300;

    private TokenServer(Path dir) throws Exception {
        Integration.requireTool("openssl");
        Files.createDirectories(dir);
        certificate = dir.resolve("token-cert.pem");
        Path keyFile = dir.resolve("token-key.pem");
        Processes.check(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile.toString(),
                "-out", certificate.toString(), "-subj", "/CN=shed-test-token", "-days", "2");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(Files.readString(keyFile))));
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        keyId = libtrustKeyId(cert.getPublicKey().getEncoded());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/token", this::token);
        server.start();
    }

    public static TokenServer start(Path dir) throws Exception {
        return new TokenServer(dir);
    }

    public TokenServer user(String name, String password) {
        users.put(name, password);
        return this;
    }

    public void lifetimeSeconds(long s) {
        lifetimeSeconds = s;
    }

    public String realm() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    public Path certificate() {
        return certificate;
    }

    public int requests() {
        return requests.get();
    }

    public List<String> scopesSeen() {
        return List.copyOf(scopesSeen);
    }

    private void token(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        String user = authenticate(ex.getRequestHeaders().getFirst("Authorization"));
        if ("".equals(user)) {
            ex.sendResponseHeaders(401, -1);
            ex.close();
            return;
        }
        List<String> scopes = new ArrayList<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                if (eq > 0 && kv.substring(0, eq).equals("scope")) scopes.add(URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        scopesSeen.addAll(scopes);
        long now = System.currentTimeMillis() / 1000;
        ObjectNode claims = Json.object();
        claims.put("iss", ISSUER);
        claims.put("sub", user == null ? "" : user);
        claims.put("aud", SERVICE);
        claims.put("exp", now + lifetimeSeconds);
        claims.put("nbf", now - 30);
        claims.put("iat", now);
        claims.put("jti", UUID.randomUUID().toString());
        ArrayNode access = claims.putArray("access");
        for (String s : scopes) {
            int first = s.indexOf(':');
            int last = s.lastIndexOf(':');
            if (first < 0 || last <= first) continue;
            ObjectNode a = access.addObject();
            a.put("type", s.substring(0, first));
            a.put("name", s.substring(first + 1, last));
            ArrayNode actions = a.putArray("actions");
            for (String action : s.substring(last + 1).split(",")) {
                if (user != null || action.equals("pull")) actions.add(action);
            }
        }
        ObjectNode body = Json.object();
        body.put("token", jwt(claims));
        body.put("expires_in", lifetimeSeconds);
        byte[] out = Json.bytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(200, out.length);
        ex.getResponseBody().write(out);
        ex.close();
    }

    /** null: anonymous; "": bad credentials; else the user name. */
    private String authenticate(String header) {
        if (header == null || !header.startsWith("Basic ")) return null;
        String decoded = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8);
        int colon = decoded.indexOf(':');
        String u = decoded.substring(0, colon);
        return decoded.substring(colon + 1).equals(users.get(u)) ? u : "";
    }

    private String jwt(ObjectNode claims) {
        try {
            ObjectNode header = Json.object();
            header.put("typ", "JWT");
            header.put("alg", "RS256");
            header.put("kid", keyId);
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String signingInput = b64.encodeToString(Json.bytes(header)) + "." + b64.encodeToString(Json.bytes(claims));
            Signature sig = Signature.getInstance("SHA256withRSA");
            sig.initSign(key);
            sig.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(sig.sign());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] pem(String text) {
        String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /** The key id format the registry derives from trusted certificates (libtrust): base32 of sha256(SPKI)[:30], in groups of 4. */
    static String libtrustKeyId(byte[] spki) throws Exception {
        byte[] h = MessageDigest.getInstance("SHA-256").digest(spki);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b32 = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < 30; i++) {
            buffer = (buffer << 8) | (h[i] & 0xff);
            bits += 8;
            while (bits >= 5) {
                b32.append(alphabet.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b32.length(); i += 4) {
            if (i > 0) out.append(':');
            out.append(b32, i, i + 4);
        }
        return out.toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
