package dev.shed.registry.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.registry.auth.Authenticator;
import dev.shed.registry.tls.CertificateRejectedException;
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
import javax.net.ssl.SSLException;

/**
 * Sends requests to one registry: adds authentication (answering 401 challenges once), follows redirects itself
 * (so the registry's Authorization header is never sent to another origin — scheme, host, port — e.g. a blob CDN or an
 * upload service that would reject or log it),
 * and retries 5xx, 429 (honouring Retry-After) and connection failures with backoff. Other 4xx are final.
 *
 * <p>Built on {@link java.net.http.HttpClient}: it is in the JDK (no dependency to ship or patch), speaks HTTP/2
 * over TLS, and hands each body to a subscriber the caller picks (blob downloads take the client's own buffers).
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

    /** The same registry, authentication and retry policy over another client (its own connections and thread). */
    public RegistryHttp via(HttpClient other) {
        return new RegistryHttp(endpoint, other, auth, retry);
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
        return send(call, HttpResponse.BodyHandlers.ofInputStream());
    }

    /** Like {@link #send(Call)} for a request whose answer has no body worth reading (HEAD, upload steps). */
    public HttpResponse<Void> sendDiscarding(Call call) throws IOException {
        return send(call, HttpResponse.BodyHandlers.discarding());
    }

    /**
     * Sends with retries; {@code body} receives the body of the final (non-redirect, below 400) response, so a
     * streaming subscriber (e.g. one writing a blob to disk) sees each network buffer exactly once. A transport
     * failure after {@code body} was handed a response is NOT retried here: that subscriber's state belongs to
     * the caller, which is told by a {@link BodyFailedException}.
     */
    public <T> HttpResponse<T> send(Call call, HttpResponse.BodyHandler<T> body) throws IOException {
        for (int attempt = 1; ; attempt++) {
            Duration wait;
            Attempt<T> a = new Attempt<>(body);
            try {
                HttpResponse<Reply<T>> resp = sendAuthenticated(call, a);
                if (resp.body().error() == null) return new Response<>(resp, resp.body().value());
                RegistryResponseException err = errorOf(call, resp.statusCode(), resp.body().error());
                if (resp.statusCode() == 401) err = new RegistryResponseException(401, err.getMessage() + "; " + auth.refusalHint());
                if (!err.retryable() || attempt >= retry.maxAttempts()) throw err;
                java.util.Optional<Duration> asked = retryAfter(resp);
                wait = asked.isPresent() ? retry.retryAfter(asked.get()) : retry.backoff(attempt);
            } catch (RegistryResponseException | InterruptedIOException e) {
                throw e;
            } catch (IOException e) {
                if (a.bodyStarted) throw new BodyFailedException(call.describe() + ": " + describe(e), e);
                CertificateRejectedException rejected = causeOf(e, CertificateRejectedException.class);
                if (rejected != null) throw new TlsRejectedException(endpoint.registry(), rejected, e); // the same next time
                if (causeOf(e, SSLException.class) != null && speaksPlainHttp(call.uri())) {
                    throw new IOException(call.describe() + ": the server answered in plain HTTP, not TLS; if this "
                            + "registry is plain HTTP, mark it insecure (--insecure-registry HOST or "
                            + "'shed config set registries.insecure HOST')", e);
                }
                if (attempt >= retry.maxAttempts()) {
                    throw new IOException(call.describe() + ": " + describe(e) + " (after " + attempt + " attempts)", e);
                }
                wait = retry.backoff(attempt);
            }
            sleep(wait);
        }
    }

    /** The first throwable of {@code type} in the cause chain of {@code e}, or null. */
    static <X extends Throwable> X causeOf(Throwable e, Class<X> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) return type.cast(t);
        }
        return null;
    }

    /**
     * Whether the server at {@code uri}'s host and port answers plain HTTP: after a TLS failure, one GET /v2/ over
     * http:// that gets 200 or 401 (what a registry answers there) says so. The JDK tells this case apart only in the
     * text of an {@code SSLException} ("Unrecognized SSL message, plaintext connection?"); a TLS server that
     * receives plain HTTP answers 400 (Go's) or closes the connection, so it is never mistaken for one.
     */
    boolean speaksPlainHttp(URI uri) {
        if (!"https".equalsIgnoreCase(uri.getScheme())) return false;
        try {
            URI probe = new URI("http", null, uri.getHost(), port(uri), "/v2/", null, null);
            HttpRequest req = HttpRequest.newBuilder(probe).version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(10)).GET().build();
            int status = client.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 || status == 401;
        } catch (IOException | java.net.URISyntaxException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The transfer of a body failed after it had begun; carries the original cause (e.g. the subscriber's). */
    public static final class BodyFailedException extends IOException {
        BodyFailedException(String message, IOException cause) {
            super(message, cause);
        }
    }

    /** A response with its body unwrapped from the {@link Reply}. */
    private record Response<T>(HttpResponse<?> raw, T body) implements HttpResponse<T> {
        @Override public int statusCode() { return raw.statusCode(); }
        @Override public HttpRequest request() { return raw.request(); }
        @Override public java.util.Optional<HttpResponse<T>> previousResponse() { return java.util.Optional.empty(); }
        @Override public java.net.http.HttpHeaders headers() { return raw.headers(); }
        @Override public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return raw.sslSession(); }
        @Override public URI uri() { return raw.uri(); }
        @Override public HttpClient.Version version() { return raw.version(); }
    }

    /** A final response's body, or the bytes of a redirect/401/error response that the loop handles itself. */
    private record Reply<T>(T value, byte[] error) {}

    /** Chooses per response: the caller's handler for a final success, a small byte buffer for everything else. */
    private static final class Attempt<T> implements HttpResponse.BodyHandler<Reply<T>> {
        private final HttpResponse.BodyHandler<T> success;
        volatile boolean bodyStarted;

        Attempt(HttpResponse.BodyHandler<T> success) {
            this.success = success;
        }

        @Override
        public HttpResponse.BodySubscriber<Reply<T>> apply(HttpResponse.ResponseInfo info) {
            int s = info.statusCode();
            if (s >= 400 || isRedirect(s)) {
                return HttpResponse.BodySubscribers.mapping(HttpResponse.BodySubscribers.ofByteArray(), b -> new Reply<>(null, b));
            }
            bodyStarted = true;
            return HttpResponse.BodySubscribers.mapping(success.apply(info), v -> new Reply<>(v, null));
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

    private <T> HttpResponse<Reply<T>> sendAuthenticated(Call call, Attempt<T> handler) throws IOException {
        String used = auth.header();
        HttpResponse<Reply<T>> resp = sendFollowingRedirects(call, used, handler);
        if (resp.statusCode() != 401) return resp;
        String challenge = resp.headers().firstValue("WWW-Authenticate").orElse(null);
        auth.unauthorized(challenge, used);
        return sendFollowingRedirects(call, auth.header(), handler);
    }

    private static boolean isRedirect(int s) {
        return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    }

    private <T> HttpResponse<Reply<T>> sendFollowingRedirects(Call call, String authorization, Attempt<T> handler) throws IOException {
        URI uri = call.uri();
        String method = call.method();
        boolean withBody = call.body() != null;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
            if ("http".equals(uri.getScheme())) b.version(HttpClient.Version.HTTP_1_1); // no h2c upgrade dance
            call.headers().forEach(b::header);
            if (authorization != null && sameOrigin(uri, endpoint.base())) b.header("Authorization", authorization);
            b.method(method, withBody ? call.body().get() : HttpRequest.BodyPublishers.noBody());
            HttpResponse<Reply<T>> resp = exchange(b.build(), handler);
            int s = resp.statusCode();
            if (!isRedirect(s)) return resp;
            String location = resp.headers().firstValue("Location").orElse(null);
            if (location == null) throw new IOException(call.describe() + ": redirect " + s + " without Location");
            if (hop >= MAX_REDIRECTS) throw new IOException(call.describe() + ": too many redirects");
            uri = uri.resolve(location);
            if (s == 303 || ((s == 301 || s == 302) && !method.equals("HEAD"))) {
                method = method.equals("HEAD") ? "HEAD" : "GET";
                withBody = false;
            }
        }
    }

    /** Scheme, host and port equal (a missing port is the scheme's default), as browsers define an origin. */
    static boolean sameOrigin(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme())) && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && port(a) == port(b);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(java.util.Locale.ROOT);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : "http".equalsIgnoreCase(u.getScheme()) ? 80 : -1;
    }

    private <T> HttpResponse<T> exchange(HttpRequest req, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return client.send(req, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted: " + req.method() + " " + req.uri());
        }
    }

    /** Reads the registry's error document ({"errors":[{"code","message"}]}) into an exception. */
    static RegistryResponseException errorOf(Call call, int status, byte[] body) {
        String detail = "";
        try {
            detail = errorText(body);
        } catch (RuntimeException ignored) {
            // the status alone still explains the failure
        }
        String text = call.describe() + ": " + status + (detail.isEmpty() ? "" : " " + detail);
        return new RegistryResponseException(status, text);
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

    /** A short description of a transport failure. */
    public static String describe(IOException e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
