package dev.shed.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.registry.auth.Authenticator;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Sends requests to one registry: adds authentication (answering 401 challenges once), follows redirects itself
 * (so the registry's Authorization header is never sent to another host, e.g. a blob CDN that would reject it),
 * and retries 5xx, 429 (honouring Retry-After) and connection failures with backoff. Other 4xx are final.
 *
 * <p>Built on {@link java.net.http.HttpClient}: it is in the JDK (no dependency to ship or patch), speaks HTTP/2
 * over TLS (one connection carries parallel blob downloads from real registries), and hands out the body as a
 * stream, which is all a download into the content store needs.
 */
public final class RegistryHttp {
    private static final int MAX_REDIRECTS = 5;

    private final RegistryEndpoint endpoint;
    private final HttpClient client;
    private final Authenticator auth;
    private final RetryPolicy retry;

    public RegistryHttp(RegistryEndpoint endpoint, HttpClient client, Authenticator auth, RetryPolicy retry) {
        this.endpoint = endpoint;
        this.client = client;
        this.auth = auth;
        this.retry = retry;
    }

    /**
     * A client suitable for registries: no automatic redirects (see class doc), bounded connect time. Also raises
     * the JDK client's read buffer from 16 KiB to 256 KiB (unless set by the user) — fewer, larger chunks for
     * multi-hundred-MB blobs; it takes effect when this is the first HttpClient of the JVM.
     */
    public static HttpClient newClient() {
        if (System.getProperty("jdk.httpclient.bufsize") == null) System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
        return HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
    }

    public RegistryEndpoint endpoint() {
        return endpoint;
    }

    public RetryPolicy retry() {
        return retry;
    }

    /** One request; the body supplier is called again for each attempt. */
    public record Call(String method, URI uri, Map<String, String> headers, Supplier<HttpRequest.BodyPublisher> body) {
        public static Call get(URI uri, Map<String, String> headers) {
            return new Call("GET", uri, headers, null);
        }

        public static Call head(URI uri, Map<String, String> headers) {
            return new Call("HEAD", uri, headers, null);
        }

        public String describe() {
            return method + " " + uri;
        }
    }

    /**
     * Sends with retries until a response below 400 arrives; the caller reads (and closes) its body. Error
     * statuses become {@link RegistryResponseException} carrying the registry's error text.
     */
    public HttpResponse<InputStream> send(Call call) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            try {
                HttpResponse<InputStream> resp = sendAuthenticated(call);
                if (resp.statusCode() < 400) return resp;
                RegistryResponseException err = errorOf(call, resp);
                if (!err.retryable() || attempt >= retry.maxAttempts()) throw err;
                java.util.Optional<Duration> asked = retryAfter(resp);
                wait = asked.isPresent() ? retry.retryAfter(asked.get()) : retry.backoff(attempt);
            } catch (RegistryResponseException e) {
                throw e;
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new IOException(call.describe() + ": " + describe(e) + " (after " + attempt + " attempts)", e);
                }
                wait = retry.backoff(attempt);
            }
            sleep(wait);
        }
    }

    /** Sleeps for a retry delay, turning interruption into an I/O error so callers unwind. */
    public static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }

    private HttpResponse<InputStream> sendAuthenticated(Call call) throws IOException {
        String used = auth.header();
        HttpResponse<InputStream> resp = sendFollowingRedirects(call, used);
        if (resp.statusCode() != 401) return resp;
        String challenge = resp.headers().firstValue("WWW-Authenticate").orElse(null);
        drain(resp);
        auth.unauthorized(challenge, used);
        return sendFollowingRedirects(call, auth.header());
    }

    private HttpResponse<InputStream> sendFollowingRedirects(Call call, String authorization) throws IOException {
        URI uri = call.uri();
        String method = call.method();
        boolean withBody = call.body() != null;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
            if ("http".equals(uri.getScheme())) b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance
            call.headers().forEach(b::header);
            if (authorization != null && sameOrigin(uri, call.uri())) b.header("Authorization", authorization);
            b.method(method, withBody ? call.body().get() : HttpRequest.BodyPublishers.noBody());
            HttpResponse<InputStream> resp = exchange(b.build());
            int s = resp.statusCode();
            boolean redirect = s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
            if (!redirect) return resp;
            String location = resp.headers().firstValue("Location").orElse(null);
            drain(resp);
            if (location == null) throw new IOException(call.describe() + ": redirect " + s + " without Location");
            if (hop >= MAX_REDIRECTS) throw new IOException(call.describe() + ": too many redirects");
            uri = uri.resolve(location);
            if (s == 303 || ((s == 301 || s == 302) && !method.equals("HEAD"))) {
                method = method.equals("HEAD") ? "HEAD" : "GET";
                withBody = false;
            }
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(a.getScheme(), b.getScheme()) && Objects.equals(a.getHost(), b.getHost()) && a.getPort() == b.getPort();
    }

    private HttpResponse<InputStream> exchange(HttpRequest req) throws IOException {
        try {
            return client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: " + req.method() + " " + req.uri());
        }
    }

    /** Reads the registry's error document ({"errors":[{"code","message"}]}) into an exception. */
    static RegistryResponseException errorOf(Call call, HttpResponse<InputStream> resp) {
        String detail = "";
        try (InputStream in = resp.body()) {
            byte[] body = in.readNBytes(64 * 1024);
            detail = errorText(body);
        } catch (IOException | RuntimeException ignored) {
            // the status alone still explains the failure
        }
        int s = resp.statusCode();
        String text = call.describe() + ": " + s + (detail.isEmpty() ? "" : " " + detail);
        return new RegistryResponseException(s, text);
    }

    private static String errorText(byte[] body) {
        if (body.length == 0) return "";
        try {
            JsonNode n = Json.parseObject(body, "error");
            JsonNode errors = n.path("errors");
            if (errors.isArray() && errors.size() > 0) {
                JsonNode e = errors.get(0);
                String code = Json.text(e, "code");
                String msg = Json.text(e, "message");
                return ((code == null ? "" : code) + (msg == null ? "" : ": " + msg)).trim();
            }
        } catch (IllegalArgumentException ignored) {
            // not JSON
        }
        String s = new String(body, StandardCharsets.UTF_8).strip();
        int nl = s.indexOf('\n');
        if (nl >= 0) s = s.substring(0, nl);
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    /** Retry-After as seconds or an HTTP date. */
    static java.util.Optional<Duration> retryAfter(HttpResponse<?> resp) {
        return resp.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return java.util.Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim()))));
            } catch (NumberFormatException e) {
                try {
                    ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                    Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
                    return java.util.Optional.of(d.isNegative() ? Duration.ZERO : d);
                } catch (RuntimeException ignored) {
                    return java.util.Optional.empty();
                }
            }
        });
    }

    public static void drain(HttpResponse<InputStream> resp) {
        try (InputStream in = resp.body()) {
            in.skip(Long.MAX_VALUE);
        } catch (IOException ignored) {
            // connection will be discarded
        }
    }

    /** A short description of a transport failure. */
    public static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
