package dev.shed.registry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A registry split over two origins, as registries with a blob CDN or upload service are: the front (this proxy's
 * first port) forwards the API to a real registry but answers blob GETs with 307 to the second origin, and rewrites
 * upload Locations to it; the second origin (another loopback port) serves those blobs and takes those uploads
 * from the registry with credentials of its own (like a signed URL), and records every request's headers.
 */
public final class SplitOriginProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "transfer-encoding",
            "upgrade", "expect", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");
    private static final Pattern BLOB_GET = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");

    /** A request the second origin received. */
    public record Received(String method, String path, Map<String, List<String>> headers) {
        public boolean hasHeader(String name) {
            return headers.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(name));
        }
    }

    private final URI upstream;
    private final String upstreamAuthorization;
    private final HttpServer front;
    private final HttpServer blobs;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<Received> received = new ArrayList<>();
    private final List<Map<String, List<String>>> frontHeaders = new ArrayList<>();

    /** In front of {@code registry}; the second origin authenticates to it as {@code user:password}. */
    public SplitOriginProxy(TestRegistry registry, String user, String password) throws IOException {
        upstream = URI.create(registry.url());
        upstreamAuthorization = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        blobs = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        front.setExecutor(executor);
        blobs.setExecutor(executor);
        front.createContext("/", this::front);
        blobs.createContext("/", this::secondOrigin);
        front.start();
        blobs.start();
    }

    /** host:port of the front, as used in image references. */
    public String host() {
        return "127.0.0.1:" + front.getAddress().getPort();
    }

    private String secondOriginUrl() {
        return "http://127.0.0.1:" + blobs.getAddress().getPort();
    }

    /** Every request the second origin received, in order. */
    public synchronized List<Received> received() {
        return List.copyOf(received);
    }

    /** The request headers of every request the front received. */
    public synchronized List<Map<String, List<String>>> frontHeaders() {
        return List.copyOf(frontHeaders);
    }

    private void front(HttpExchange ex) throws IOException {
        try (ex) {
            synchronized (this) {
                frontHeaders.add(Map.copyOf(ex.getRequestHeaders()));
            }
            String path = ex.getRequestURI().getRawPath();
            Matcher blob = BLOB_GET.matcher(path);
            if (ex.getRequestMethod().equals("GET") && blob.matches() && ex.getRequestHeaders().containsKey("Authorization")) {
                ex.getResponseHeaders().set("Location", secondOriginUrl() + "/cdn/" + blob.group(2) + "?repo=" + blob.group(1) + "&expires=soon");
                ex.sendResponseHeaders(307, -1);
                return;
            }
            HttpResponse<InputStream> resp = forward(ex, rawPathAndQuery(ex), ex.getRequestHeaders().getFirst("Authorization"));
            relay(ex, resp, location -> location.startsWith(upstream.toString()) && location.contains("/blobs/uploads/")
                    ? secondOriginUrl() + "/upload" + location.substring(upstream.toString().length())
                    : location.startsWith(upstream.toString()) ? "http://" + host() + location.substring(upstream.toString().length()) : location);
        }
    }

    private void secondOrigin(HttpExchange ex) throws IOException {
        try (ex) {
            synchronized (this) {
                received.add(new Received(ex.getRequestMethod(), rawPathAndQuery(ex), Map.copyOf(ex.getRequestHeaders())));
            }
            String path = ex.getRequestURI().getRawPath();
            String target;
            if (path.startsWith("/cdn/")) {
                String query = ex.getRequestURI().getRawQuery();
                String repo = query.substring(query.indexOf("repo=") + 5, query.indexOf('&'));
                target = "/v2/" + repo + "/blobs/" + path.substring("/cdn/".length());
            } else if (path.startsWith("/upload/")) {
                target = rawPathAndQuery(ex).substring("/upload".length());
            } else {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            HttpResponse<InputStream> resp = forward(ex, target, upstreamAuthorization);
            relay(ex, resp, location -> location);
        }
    }

    private static String rawPathAndQuery(HttpExchange ex) {
        URI u = ex.getRequestURI();
        return u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
    }

    private HttpResponse<InputStream> forward(HttpExchange ex, String pathAndQuery, String authorization) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(pathAndQuery));
        ex.getRequestHeaders().forEach((k, vs) -> {
            String lk = k.toLowerCase(Locale.ROOT);
            if (!HOP_HEADERS.contains(lk) && !lk.equals("authorization")) for (String v : vs) b.header(k, v);
        });
        if (authorization != null) b.header("Authorization", authorization);
        String len = ex.getRequestHeaders().getFirst("Content-Length");
        InputStream body = ex.getRequestBody();
        b.method(ex.getRequestMethod(), len != null && !len.equals("0")
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), Long.parseLong(len))
                : HttpRequest.BodyPublishers.noBody());
        try {
            return client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
    }

    private static void relay(HttpExchange ex, HttpResponse<InputStream> resp, java.util.function.UnaryOperator<String> location)
            throws IOException {
        resp.headers().map().forEach((k, vs) -> {
            String lk = k.toLowerCase(Locale.ROOT);
            if (HOP_HEADERS.contains(lk) || lk.equals(":status")) return;
            for (String v : vs) ex.getResponseHeaders().add(k, lk.equals("location") ? location.apply(v) : v);
        });
        long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
        boolean head = ex.getRequestMethod().equals("HEAD");
        if (head || resp.statusCode() == 204 || length == 0) {
            if (head && length > 0) ex.getResponseHeaders().set("Content-Length", Long.toString(length));
            ex.sendResponseHeaders(resp.statusCode(), -1);
            resp.body().close();
            return;
        }
        ex.sendResponseHeaders(resp.statusCode(), length < 0 ? 0 : length);
        try (InputStream in = resp.body()) {
            in.transferTo(ex.getResponseBody());
        }
    }

    @Override
    public void close() {
        front.stop(0);
        blobs.stop(0);
        executor.shutdownNow();
    }
}
