package dev.shed.registry.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.registry.http.RegistryResponseException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Authorization header for one registry and one set of scopes. Nothing is sent until the registry asks
 * (401 + WWW-Authenticate): then Basic credentials, or a bearer token from the challenge's realm (anonymous or
 * with credentials), which is reused by every later request until it nears expiry or the registry rejects it.
 * Credentials are looked up only when a challenge arrives, so anonymous pulls never run credential helpers.
 * Thread-safe: concurrent 401s cause one token request.
 */
public final class Authenticator {
    private static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofSeconds(60);

    private final HttpClient http;
    private final String registry;
    private final CredentialSource source;
    private final List<String> scopes;

    private Optional<Credentials> credentials;
    private AuthChallenge challenge;
    private String header;
    private Instant refreshAt;

    public Authenticator(HttpClient http, String registry, CredentialSource source, List<String> scopes) {
        this.http = http;
        this.registry = registry;
        this.source = source;
        this.scopes = List.copyOf(scopes);
    }

    /** The header to send now (null before any challenge). Bearer tokens near expiry are renewed first. */
    public synchronized String header() throws IOException {
        if (header != null && refreshAt != null && Instant.now().isAfter(refreshAt) && challenge != null && challenge.isBearer()) {
            fetchToken(challenge);
        }
        return header;
    }

    /**
     * The registry answered 401 to a request sent with {@code usedHeader}. Prepares a new header; throws when
     * there is nothing new to try (no challenge, or Basic without credentials).
     */
    public synchronized void unauthorized(String wwwAuthenticate, String usedHeader) throws IOException {
        if (header != null && !Objects.equals(header, usedHeader)) return; // another thread already renewed it
        if (wwwAuthenticate == null) throw new RegistryResponseException(401, registry + " refused the request (401) without an authentication challenge");
        AuthChallenge c = AuthChallenge.parse(wwwAuthenticate);
        challenge = c;
        if (c.isBasic()) {
            Credentials cr = credentials().orElseThrow(() -> new RegistryResponseException(401,
                    registry + " requires a username and password (use --username/--password-stdin or docker login)"));
            String basic = cr.basicHeader();
            if (basic.equals(usedHeader)) throw new RegistryResponseException(401, registry + ": username or password rejected for " + cr.username());
            header = basic;
            refreshAt = null;
        } else if (c.isBearer()) {
            fetchToken(c);
        } else {
            throw new RegistryResponseException(401, registry + ": unsupported authentication scheme " + c.scheme());
        }
    }

    /**
     * Why the registry may still refuse after authenticating (it answered 401 again): no credentials were found,
     * or the ones used lack access. For the error message.
     */
    public synchronized String refusalHint() {
        if (credentials == null || credentials.isEmpty()) {
            return "no credentials for " + registry + " (use --username/--password-stdin, or docker login / a credential helper in $DOCKER_CONFIG/config.json)";
        }
        return "the credentials of " + credentials.get().username() + " for " + registry + " do not grant " + String.join(" ", scopes);
    }

    private Optional<Credentials> credentials() throws IOException {
        if (credentials == null) credentials = source.lookup(registry);
        return credentials;
    }

    private void fetchToken(AuthChallenge c) throws IOException {
        String realm = c.param("realm");
        if (realm == null || realm.isEmpty()) throw new RegistryResponseException(401, registry + ": bearer challenge without realm");
        Set<String> wanted = new LinkedHashSet<>(scopes);
        if (c.param("scope") != null) for (String s : c.param("scope").split(" ")) if (!s.isBlank()) wanted.add(s);
        List<String> query = new ArrayList<>();
        if (c.param("service") != null) query.add("service=" + enc(c.param("service")));
        for (String s : wanted) query.add("scope=" + enc(s));
        URI uri = URI.create(realm + (query.isEmpty() ? "" : (realm.contains("?") ? "&" : "?") + String.join("&", query)));
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofSeconds(60)).header("Accept", "application/json");
        Optional<Credentials> cr = credentials();
        cr.ifPresent(x -> b.header("Authorization", x.basicHeader()));
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while fetching a token for " + registry);
        }
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            throw new RegistryResponseException(resp.statusCode(), registry + ": token server " + uri.getHost() + " denied "
                    + (cr.isPresent() ? "credentials of " + cr.get().username() : "anonymous access") + " for " + String.join(" ", wanted));
        }
        if (resp.statusCode() != 200) {
            throw new RegistryResponseException(resp.statusCode(), registry + ": token server " + uri.getHost() + " answered " + resp.statusCode());
        }
        JsonNode n = Json.parseObject(resp.body(), "token response from " + uri.getHost());
        String token = Json.text(n, "token");
        if (token == null || token.isEmpty()) token = Json.text(n, "access_token");
        if (token == null || token.isEmpty()) throw new IOException(registry + ": token response from " + uri.getHost() + " has no token");
        Duration life = n.hasNonNull("expires_in") && n.get("expires_in").asLong() > 0
                ? Duration.ofSeconds(n.get("expires_in").asLong()) : DEFAULT_TOKEN_LIFETIME;
        // renew a little early so a request in flight does not carry a token that expires on the way
        Duration margin = life.compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(10) : life.dividedBy(4);
        header = "Bearer " + token;
        refreshAt = Instant.now().plus(life).minus(margin);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
