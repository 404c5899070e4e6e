package dev.shed.core.oci;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegistryHostTest {
    @Test
    void ipv6LiteralWithPort() {
        assertThat(RegistryHost.host("[::1]:5000")).isEqualTo("[::1]");
        assertThat(RegistryHost.address("[::1]:5000")).isEqualTo("::1");
        assertThat(RegistryHost.settingKeys("[::1]:5000")).containsExactly("[::1]:5000", "[::1]", "::1");
        assertThat(RegistryHost.settingKeys("[::1]")).containsExactly("[::1]", "::1");
    }

    @Test
    void hostWithPort() {
        assertThat(RegistryHost.host("Registry.Example.com:5000")).isEqualTo("Registry.Example.com");
        assertThat(RegistryHost.address("127.0.0.1:5000")).isEqualTo("127.0.0.1");
        assertThat(RegistryHost.settingKeys("Registry.Example.com:5000")).containsExactly("registry.example.com:5000", "registry.example.com");
    }

    @Test
    void plainHost() {
        assertThat(RegistryHost.host("localhost")).isEqualTo("localhost");
        assertThat(RegistryHost.address("localhost")).isEqualTo("localhost");
        assertThat(RegistryHost.settingKeys("ghcr.io")).containsExactly("ghcr.io");
    }
}
