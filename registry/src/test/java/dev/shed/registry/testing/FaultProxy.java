package dev.shed.registry.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP proxy between shed and a test registry that misbehaves on request: error statuses (503, 429 with
 * Retry-After, 404), bodies cut off after N bytes (the connection closes mid-blob), corrupted bytes, and a
 * bandwidth limit. Counts blob body bytes it delivered and records every request, so tests can check retries,
 * Range resumes and that no more than needed was transferred.
 */
public final class FaultProxy implements AutoCloseable {
    private static final Set<String> HOP_HEADERS = Set.of("host", "connection", "content-length", "transfer-encoding",
            "upgrade", "expect", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");

    public enum Kind { STATUS, TRUNCATE, CORRUPT }

    /** A fault for requests whose method+path contains {@code match} (e.g. "GET /v2/r/blobs/"). */
    public static final class Fault {
        final String match;
        final Kind kind;
        final int status;
        final long afterBytes;
        final String retryAfter;
        int remaining;

        private Fault(String match, Kind kind, int status, long afterBytes, String retryAfter, int times) {
            this.match = match;
            this.kind = kind;
            this.status = status;
            this.afterBytes = afterBytes;
            this.retryAfter = retryAfter;
            this.remaining = times;
        }

        public static Fault status(String match, int status, int times) {
            return new Fault(match, Kind.STATUS, status, 0, null, times);
        }

        public static Fault tooManyRequests(String match, String retryAfter, int times) {
            return new Fault(match, Kind.STATUS, 429, 0, retryAfter, times);
        }

        /** Sends the headers and {@code afterBytes} of the body, then drops the connection. */
        public static Fault truncate(String match, long afterBytes, int times) {
            return new Fault(match, Kind.TRUNCATE, 0, afterBytes, null, times);
        }

        /** Flips one byte at {@code atByte} of the body (or the first byte after it that is sent). */
        public static Fault corrupt(String match, long atByte, int times) {
            return new Fault(match, Kind.CORRUPT, 0, atByte, null, times);
        }
    }

    /** One request as seen by the proxy. */
    public record Seen(String method, String path, String range, int status) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final URI upstream;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .version(HttpClient.Version.HTTP_1_1).build();
    private final List<Fault> faults = new ArrayList<>();
    private final List<Seen> seen = new ArrayList<>();
    private final AtomicLong blobBytes = new AtomicLong();
    private volatile long bytesPerSecond;

    private FaultProxy(String upstreamHostPort, java.net.InetAddress bind) throws IOException {
        upstream = URI.create("http://" + upstreamHostPort);
        server = HttpServer.create(new InetSocketAddress(bind, 0), 64);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static FaultProxy in(TestRegistry registry) throws IOException {
        return new FaultProxy(registry.host(), java.net.InetAddress.getByName("127.0.0.1"));
    }

    /** A proxy listening on {@code address} (e.g. a non-loopback one, to test insecure-registry settings). */
    public static FaultProxy on(TestRegistry registry, java.net.InetAddress address) throws IOException {
        return new FaultProxy(registry.host(), address);
    }

    public String host() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public synchronized FaultProxy add(Fault f) {
        faults.add(f);
        return this;
    }

    public synchronized void clearFaults() {
        faults.clear();
    }

    public void limitBandwidth(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Body bytes of GET …/blobs/… responses delivered to clients. */
    public long blobBytesServed() {
        return blobBytes.get();
    }

    public void resetCounters() {
        blobBytes.set(0);
        synchronized (this) {
            seen.clear();
        }
    }

    public synchronized List<Seen> seen() {
        return List.copyOf(seen);
    }

    private synchronized Fault take(String methodPath) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault f = it.next();
            if (methodPath.contains(f.match)) {
                if (--f.remaining <= 0) it.remove();
                return f;
            }
        }
        return null;
    }

    private synchronized void record(Seen s) {
        seen.add(s);
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String pathAndQuery = ex.getRequestURI().getRawPath() + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery());
            String range = ex.getRequestHeaders().getFirst("Range");
            Fault f = take(method + " " + pathAndQuery);
            if (f != null && f.kind == Kind.STATUS) {
                record(new Seen(method, pathAndQuery, range, f.status));
                byte[] body = ("{\"errors\":[{\"code\":\"INJECTED\",\"message\":\"injected " + f.status + "\"}]}").getBytes(StandardCharsets.UTF_8);
                if (f.retryAfter != null) ex.getResponseHeaders().set("Retry-After", f.retryAfter);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                if (method.equals("HEAD")) {
                    ex.sendResponseHeaders(f.status, -1);
                } else {
                    ex.sendResponseHeaders(f.status, body.length);
                    ex.getResponseBody().write(body);
                }
                return;
            }
            HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(pathAndQuery));
            ex.getRequestHeaders().forEach((k, vs) -> {
                if (!HOP_HEADERS.contains(k.toLowerCase(Locale.ROOT))) for (String v : vs) b.header(k, v);
            });
            String len = ex.getRequestHeaders().getFirst("Content-Length");
            InputStream reqBody = ex.getRequestBody();
            HttpRequest.BodyPublisher pub = len != null && !len.equals("0")
                    ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> reqBody), Long.parseLong(len))
                    : HttpRequest.BodyPublishers.noBody();
            b.method(method, pub);
            HttpResponse<InputStream> resp;
            try {
                resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            int status = resp.statusCode();
            record(new Seen(method, pathAndQuery, range, status));
            resp.headers().map().forEach((k, vs) -> {
                String lk = k.toLowerCase(Locale.ROOT);
                if (HOP_HEADERS.contains(lk) || lk.equals(":status")) return;
                for (String v : vs) {
                    if (lk.equals("location") && v.startsWith(upstream.toString())) v = "http://" + host() + v.substring(upstream.toString().length());
                    ex.getResponseHeaders().add(k, v);
                }
            });
            long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            boolean noBody = method.equals("HEAD") || status == 204 || status == 304 || length == 0;
            if (noBody) {
                if (method.equals("HEAD") && length > 0) ex.getResponseHeaders().set("Content-Length", Long.toString(length));
                ex.sendResponseHeaders(status, -1);
                resp.body().close();
                return;
            }
            ex.sendResponseHeaders(status, length < 0 ? 0 : length);
            boolean blob = method.equals("GET") && pathAndQuery.contains("/blobs/") && status < 300;
            copy(resp.body(), ex.getResponseBody(), f, blob);
        } finally {
            ex.close();
        }
    }

    private void copy(InputStream in, OutputStream out, Fault f, boolean blob) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long sent = 0;
        long start = System.nanoTime();
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                if (f != null && f.kind == Kind.TRUNCATE && sent + n >= f.afterBytes) {
                    int part = (int) (f.afterBytes - sent);
                    out.write(buf, 0, part);
                    out.flush();
                    if (blob) blobBytes.addAndGet(part);
                    throw new IOException("injected: connection dropped after " + f.afterBytes + " bytes");
                }
                if (f != null && f.kind == Kind.CORRUPT && sent + n > f.afterBytes && f.afterBytes >= 0) {
                    int at = (int) Math.max(0, f.afterBytes - sent);
                    buf[at] ^= 0x5a;
                    f = null;
                }
                out.write(buf, 0, n);
                sent += n;
                if (blob) blobBytes.addAndGet(n);
                throttle(sent, start);
            }
        }
    }

    private void throttle(long sent, long startNanos) {
        long rate = bytesPerSecond;
        if (rate <= 0) return;
        long dueNanos = sent * 1_000_000_000L / rate;
        long ahead = dueNanos - (System.nanoTime() - startNanos);
        if (ahead > 0) {
            try {
                Thread.sleep(ahead / 1_000_000, (int) (ahead % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
