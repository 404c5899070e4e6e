package dev.shed.registry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import dev.shed.registry.RegistryClient;
import dev.shed.registry.RegistryOptions;
import dev.shed.registry.auth.Authenticator;
import dev.shed.registry.auth.CredentialSource;
import dev.shed.registry.pull.ImagePuller;
import dev.shed.registry.pull.PullRequest;
import dev.shed.registry.testing.TcpRelay;
import dev.shed.registry.testing.TestCertificates;
import dev.shed.registry.testing.TestRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS spoken to a plain-HTTP registry fails at once with advice, instead of being retried. The JDK says so only in an
 * exception message ("plaintext connection?"), so shed asks the server over plain HTTP instead; a real TLS registry
 * (Go's server answers plain HTTP with 400) must not be taken for a plain one.
 */
class PlainHttpServerTest {
    @TempDir
    Path tmp;

    @Test
    void httpsToAPlainRegistryFailsOnceWithAdvice() throws Exception {
        TestCertificates certs = TestCertificates.loopback(tmp.resolve("certs"), "shed test CA");
        try (TestRegistry plain = TestRegistry.anonymous(tmp.resolve("registry")); TcpRelay relay = new TcpRelay(plain.port())) {
            // a CA file makes shed use HTTPS for this loopback registry, which speaks plain HTTP
            RegistryOptions tls = RegistryOptions.defaults().withCaFiles(List.of(certs.ca()));
            try (ImagePuller p = new ImagePuller(Store.open(tmp.resolve("store")), tls, CredentialSource.ANONYMOUS, Progress.NONE)) {
                assertThatThrownBy(() -> p.pull(PullRequest.of("127.0.0.1:" + relay.port() + "/x/y:1")))
                        .hasMessageContaining("plain HTTP, not TLS")
                        .hasMessageContaining("registries.insecure");
            }
            // one TLS attempt (the JDK client may open a second connection) plus the plain-HTTP question
            assertThat(relay.connections()).isBetween(2, 3);
        }
    }

    @Test
    void theProbeTellsAPlainRegistryFromATlsOne() throws Exception {
        TestCertificates certs = TestCertificates.loopback(tmp.resolve("certs"), "shed test CA");
        try (TestRegistry plain = TestRegistry.anonymous(tmp.resolve("plain"));
             TestRegistry tls = TestRegistry.withTls(tmp.resolve("tls"), certs);
             HttpClients clients = HttpClients.system()) {
            RegistryHttp http = http(clients, plain.host());
            assertThat(http.speaksPlainHttp(URI.create("https://" + plain.host() + "/v2/x/manifests/1"))).isTrue();
            assertThat(http.speaksPlainHttp(URI.create("https://" + tls.host() + "/v2/x/manifests/1"))).isFalse();
        }
    }

    private static RegistryHttp http(HttpClients clients, String host) throws Exception {
        var client = clients.newClient(host);
        RegistryEndpoint endpoint = RegistryClient.endpoint(host, RegistryOptions.defaults());
        return new RegistryHttp(endpoint, client, new Authenticator(client, host, CredentialSource.ANONYMOUS, List.of()),
                RetryPolicy.DEFAULT);
    }
}
