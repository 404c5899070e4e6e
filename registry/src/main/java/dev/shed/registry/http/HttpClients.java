package dev.shed.registry.http;

import dev.shed.registry.tls.CaCertificates;
import dev.shed.registry.tls.RegistryTrustManager;
import dev.shed.registry.tls.TlsTrust;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Method;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;

/**
 * Makes the HTTP clients of one pull or push and stops them all on {@link #close()}.
 *
 * <p>Each client is built with: no automatic redirects ({@link RegistryHttp} follows them itself so credentials stay
 * with the registry), a bounded connect time, a TLS context created on first https use that trusts the system's
 * CAs plus the CA files given for the registry ({@link RegistryTrustManager}), and its internal tasks run on the
 * thread that triggers them (its selector thread, mostly) instead of a pool hop per network buffer: for a pull
 * that means one thread reads the socket, hashes and writes the buffer, which measured ~15% less CPU than the
 * default pool on a 300 MB pull. Body subscribers here never block for long (a page-cache write). The JDK
 * client's read buffer goes from 16 KiB to 256 KiB (unless set by the user; it takes effect when this is the first
 * HttpClient of the JVM): fewer, larger chunks for multi-hundred-MB blobs.
 *
 * <p>Stopping: a JDK client reads its connections on a selector thread that waits in epoll (native code) for the
 * client's life, and HotSpot's exit waits up to 0.3 s for threads in native code to settle, so a finished
 * command would linger that long. JDK 17 has no {@code HttpClient.close()}; its selector loop ends when its
 * thread is interrupted. So each client is built on a short-lived thread in a {@link ThreadGroup} of its own —
 * threads made without an explicit group join their creator's, the selector too — and {@link #close()}
 * interrupts that group. On JDK 21+ it calls the client's public {@code shutdownNow()} first.
 */
public final class HttpClients implements AutoCloseable {
    private static final AtomicInteger GROUPS = new AtomicInteger();
    private static final Method SHUTDOWN_NOW = shutdownNow();

    private final TlsTrust trust;
    private final Map<String, String> env;
    private final Map<String, SSLContext> contexts = new ConcurrentHashMap<>();
    private final List<Made> made = new CopyOnWriteArrayList<>();

    private record Made(HttpClient client, ThreadGroup threads) {}

    public HttpClients(TlsTrust trust) {
        this(trust, System.getenv());
    }

    /** @param env where {@code SSL_CERT_FILE}/{@code SSL_CERT_DIR} are looked up (the process environment, or a test's) */
    public HttpClients(TlsTrust trust, Map<String, String> env) {
        this.trust = trust;
        this.env = Map.copyOf(env);
    }

    /** Clients that trust the system's CAs only. */
    public static HttpClients system() {
        return new HttpClients(TlsTrust.SYSTEM);
    }

    /**
     * A new client for talking to {@code registry} (its own connections and selector thread). The CA files given
     * for that registry are read now, so a missing or malformed file fails before any connection, naming it.
     */
    public HttpClient newClient(String registry) throws IOException {
        List<X509Certificate> cas = new ArrayList<>();
        for (Path f : trust.caFilesFor(registry)) cas.addAll(CaCertificates.read(f));
        if (System.getProperty("jdk.httpclient.bufsize") == null) System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
        HttpClient.Builder builder = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(30))
                .sslContext(new LazyTlsContext(() -> contexts.computeIfAbsent(registry, r -> tlsContext(cas, env))))
                .sslParameters(new SSLParameters()) // the engine's defaults; null would make the client ask the context now
                .executor(Runnable::run); // see class doc
        ThreadGroup group = new ThreadGroup("shed-http-" + GROUPS.incrementAndGet());
        AtomicReference<HttpClient> client = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread builderThread = new Thread(group, () -> {
            try {
                client.set(builder.build());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, group.getName() + "-build");
        builderThread.setDaemon(true);
        builderThread.start();
        try {
            builderThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while creating an HTTP client");
        }
        if (failure.get() != null) throw failure.get();
        made.add(new Made(client.get(), group));
        return client.get();
    }

    private static SSLContext tlsContext(List<X509Certificate> cas, Map<String, String> env) {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new RegistryTrustManager(cas, env)}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS support in this JDK: " + e.getMessage(), e);
        }
    }

    /** Stops every client made here (they must not be used afterwards): see the class doc. */
    @Override
    public void close() {
        for (Made m : made) {
            if (SHUTDOWN_NOW != null) {
                try {
                    SHUTDOWN_NOW.invoke(m.client());
                } catch (ReflectiveOperationException ignored) {
                    // fall back to the interrupt below
                }
            }
            m.threads().interrupt();
        }
        made.clear();
    }

    /** {@code HttpClient.shutdownNow()}, public since JDK 21; null before. */
    private static Method shutdownNow() {
        try {
            return HttpClient.class.getMethod("shutdownNow");
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
