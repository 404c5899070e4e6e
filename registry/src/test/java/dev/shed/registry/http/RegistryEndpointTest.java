package dev.shed.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RegistryEndpointTest {

    @Test
    void loopbackIsDecidedBySyntaxAlone() {
        assertThat(RegistryEndpoint.isLoopback("localhost")).isTrue();
        assertThat(RegistryEndpoint.isLoopback("LOCALHOST")).isTrue();
        assertThat(RegistryEndpoint.isLoopback("127.0.0.1")).isTrue();
        assertThat(RegistryEndpoint.isLoopback("127.255.3.4")).isTrue();
        assertThat(RegistryEndpoint.isLoopback("::1")).isTrue();
        assertThat(RegistryEndpoint.isLoopback("0:0:0:0:0:0:0:1")).isTrue();

        assertThat(RegistryEndpoint.isLoopback("localhost.example.com")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("127.0.0.1.nip.io")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("128.0.0.1")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("127.0.0.256")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("127.1")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("::2")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("1::1")).isFalse();
        assertThat(RegistryEndpoint.isLoopback("mylocalhost")).isFalse();
    }

    @Test
    void plainHttpOnlyForLoopbackAndInsecureHosts() {
        assertThat(RegistryEndpoint.of("127.0.0.1:5000", Set.of()).base()).hasToString("http://127.0.0.1:5000");
        assertThat(RegistryEndpoint.of("localhost:5000", Set.of()).base()).hasToString("http://localhost:5000");
        assertThat(RegistryEndpoint.of("[::1]:5000", Set.of()).base()).hasToString("http://[::1]:5000");
        assertThat(RegistryEndpoint.of("localhost.example.com:5000", Set.of()).base()).hasToString("https://localhost.example.com:5000");
        assertThat(RegistryEndpoint.of("ghcr.io", Set.of()).base()).hasToString("https://ghcr.io");
        assertThat(RegistryEndpoint.of("reg.lan:5000", Set.of("reg.lan:5000")).base()).hasToString("http://reg.lan:5000");
        assertThat(RegistryEndpoint.of("reg.lan:5000", Set.of("reg.lan")).base()).hasToString("http://reg.lan:5000");
        assertThat(RegistryEndpoint.of("other.lan", Set.of("reg.lan")).plainHttp()).isFalse();
        // an IPv6 host is matched with or without its brackets (the same keys as per-registry CA files)
        assertThat(RegistryEndpoint.of("[fd00::5]:5000", Set.of("fd00::5")).plainHttp()).isTrue();
        assertThat(RegistryEndpoint.of("[fd00::5]:5000", Set.of("[fd00::5]")).plainHttp()).isTrue();
        assertThat(RegistryEndpoint.of("[fd00::5]:5000", Set.of("[fd00::6]")).plainHttp()).isFalse();
    }

    @Test
    void aConfiguredCaFileIsFoundByTheSameKeys() {
        var trust = new dev.shed.registry.tls.TlsTrust(java.util.List.of(), java.util.Map.of(
                "[fd00::5]", java.nio.file.Path.of("/v6.pem"), "reg.lan", java.nio.file.Path.of("/lan.pem"),
                "reg.lan:5000", java.nio.file.Path.of("/lan5000.pem")));
        assertThat(trust.caFilesFor("[FD00::5]:5000")).containsExactly(java.nio.file.Path.of("/v6.pem"));
        assertThat(trust.caFilesFor("reg.lan:5000")).containsExactly(java.nio.file.Path.of("/lan5000.pem"));
        assertThat(trust.caFilesFor("reg.lan:6000")).containsExactly(java.nio.file.Path.of("/lan.pem"));
        assertThat(trust.caFilesFor("reg.lan")).containsExactly(java.nio.file.Path.of("/lan.pem"));
        assertThat(trust.caFilesFor("other.lan")).isEmpty();
    }

    @Test
    void aCaCertificateMeansTlsEvenOnLoopbackButNotWithInsecure() {
        assertThat(RegistryEndpoint.of("127.0.0.1:5000", Set.of(), true).base()).hasToString("https://127.0.0.1:5000");
        assertThat(RegistryEndpoint.of("localhost", Set.of(), true).base()).hasToString("https://localhost");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RegistryEndpoint.of("reg.lan:5000", Set.of("reg.lan"), true))
                .hasMessage("registry reg.lan:5000 is marked insecure (plain HTTP) and also given a CA certificate (TLS); drop one of the two");
    }

    @Test
    void sameOriginComparesSchemeHostAndEffectivePort() {
        assertThat(RegistryHttp.sameOrigin(java.net.URI.create("https://Reg.io/v2/x"), java.net.URI.create("https://reg.io:443"))).isTrue();
        assertThat(RegistryHttp.sameOrigin(java.net.URI.create("http://reg.io/v2/x"), java.net.URI.create("https://reg.io"))).isFalse();
        assertThat(RegistryHttp.sameOrigin(java.net.URI.create("https://cdn.reg.io/b"), java.net.URI.create("https://reg.io"))).isFalse();
        assertThat(RegistryHttp.sameOrigin(java.net.URI.create("https://reg.io:5000/b"), java.net.URI.create("https://reg.io"))).isFalse();
    }

    @Test
    void dockerHubApiHost() {
        assertThat(RegistryEndpoint.of("docker.io", Set.of()).base()).hasToString("https://registry-1.docker.io");
    }

    @Test
    void backoffGrowsWithJitterAndRespectsCaps() {
        RetryPolicy p = new RetryPolicy(5, java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(1000), java.time.Duration.ofSeconds(5));
        for (int i = 0; i < 50; i++) {
            assertThat(p.backoff(1).toMillis()).isBetween(50L, 100L);
            assertThat(p.backoff(3).toMillis()).isBetween(200L, 400L);
            assertThat(p.backoff(30).toMillis()).isBetween(500L, 1000L);
        }
        assertThat(p.retryAfter(java.time.Duration.ofSeconds(60))).isEqualTo(java.time.Duration.ofSeconds(5));
    }
}
