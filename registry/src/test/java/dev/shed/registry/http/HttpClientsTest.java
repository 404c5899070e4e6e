package dev.shed.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.registry.testing.TestRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing {@link HttpClients} ends the threads its clients started (the JDK client's selector thread, which waits in
 * native code and would hold up JVM exit by up to 0.3 s), without knowing their names.
 */
class HttpClientsTest {
    @TempDir
    Path tmp;

    @Test
    void closingStopsTheThreadsTheClientsStarted() throws Exception {
        try (TestRegistry registry = TestRegistry.anonymous(tmp.resolve("registry"))) {
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            HttpClients clients = HttpClients.system();
            for (int i = 0; i < 3; i++) {
                HttpClient c = clients.newClient(registry.host());
                HttpResponse<Void> r = c.send(HttpRequest.newBuilder(URI.create(registry.url() + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                assertThat(r.statusCode()).isEqualTo(200);
            }
            Set<Thread> started = newThreads(before);
            assertThat(started).as("the clients' own threads").hasSizeGreaterThanOrEqualTo(3);

            clients.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (started.stream().anyMatch(Thread::isAlive) && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(started.stream().filter(Thread::isAlive).map(Thread::getName).collect(Collectors.toList())).isEmpty();
        }
    }

    private static Set<Thread> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive() && t.getThreadGroup() != null && t.getThreadGroup().getName().startsWith("shed-http-"))
                .collect(Collectors.toSet());
    }
}
