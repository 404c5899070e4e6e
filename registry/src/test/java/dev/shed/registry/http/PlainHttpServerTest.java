package dev.shed.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.registry.auth.Authenticator;
import dev.shed.registry.auth.CredentialSource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/** TLS spoken to a plain-HTTP registry fails at once with advice, instead of being retried. */
class PlainHttpServerTest {

    @Test
    void recognisesTheJdkPlaintextMessageThroughCauses() {
        IOException wrapped = new IOException("GET …", new SSLException("Unrecognized SSL message, plaintext connection?"));
        assertThat(RegistryHttp.isPlainHttpServer(wrapped)).isTrue();
        assertThat(RegistryHttp.isPlainHttpServer(new SSLException("Received fatal alert: handshake_failure"))).isFalse();
        assertThat(RegistryHttp.isPlainHttpServer(new IOException("Connection reset"))).isFalse();
    }

    @Test
    void httpsToAPlainServerFailsOnceWithAdvice() throws Exception {
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
                        connections.incrementAndGet();
                        s.getInputStream().read(new byte[512]);
                        out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException ignored) {
                        // closed
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            // 127.0.0.1 is loopback (plain HTTP), so address it by a name shed must treat as remote: the mapped form.
            String host = "[::ffff:127.0.0.1]:" + server.getLocalPort();
            RegistryEndpoint endpoint = RegistryEndpoint.of(host, java.util.Set.of());
            assertThat(endpoint.plainHttp()).isFalse();
            java.net.http.HttpClient client = RegistryHttp.newClient();
            RegistryHttp http = new RegistryHttp(endpoint, client,
                    new Authenticator(client, host, CredentialSource.ANONYMOUS, java.util.List.of()), RetryPolicy.DEFAULT);
            assertThatThrownBy(() -> http.sendDiscarding(RegistryHttp.Call.get(endpoint.resolve("/v2/"), java.util.Map.of())))
                    .hasMessageContaining("plain HTTP, not TLS")
                    .hasMessageContaining("registries.insecure");
        }
        // shed's retry policy would make 6 attempts; the JDK client itself may repeat an idempotent GET once
        assertThat(connections.get()).isBetween(1, 2);
    }
}
