package dev.shed.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PlatformTest {
    @ParameterizedTest
    @CsvSource({
            "linux/amd64, linux/amd64",
            "linux/x86_64, linux/amd64",
            "Linux/X86-64, linux/amd64",
            "linux/amd64/v1, linux/amd64",
            "linux/amd64/v3, linux/amd64/v3",
            "linux/arm64, linux/arm64/v8",
            "linux/aarch64, linux/arm64/v8",
            "linux/arm64/8, linux/arm64/v8",
            "linux/arm, linux/arm/v7",
            "linux/arm/6, linux/arm/v6",
            "linux/armhf, linux/arm/v7",
            "linux/armel, linux/arm/v6",
            "linux/i686, linux/386",
            "linux/riscv64, linux/riscv64",
    })
    void normalisesSpellings(String input, String expected) {
        assertThat(Platform.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void matchesNormalisedCandidatesFromAnIndex() {
        assertThat(Platform.parse("linux/x86_64").matches(new Platform("linux", "amd64", null))).isTrue();
        assertThat(Platform.parse("linux/aarch64").matches(new Platform("linux", "arm64", null))).isTrue();
        assertThat(Platform.parse("linux/arm64").matches(new Platform("linux", "arm64", "v8"))).isTrue();
        assertThat(Platform.parse("linux/amd64").matches(new Platform("linux", "amd64", "v3")))
                .as("a wanted platform without variant accepts any variant").isTrue();
        assertThat(Platform.parse("linux/amd64/v3").matches(new Platform("linux", "amd64", null))).isFalse();
        assertThat(Platform.parse("linux/arm/v7").matches(new Platform("linux", "arm", "v6"))).isFalse();
        assertThat(Platform.parse("linux/amd64").matches(new Platform("linux", "arm64", null))).isFalse();
        assertThat(Platform.parse("linux/amd64").matches(new Platform("windows", "amd64", null))).isFalse();
        assertThat(Platform.parse("linux/amd64").matches(null)).isFalse();
        assertThat(Platform.parse("linux/amd64").matches(new Platform("unknown", "unknown", null)))
                .as("attestation manifests never match").isFalse();
    }

    @Test
    void refusesMalformedStrings() {
        assertThatThrownBy(() -> Platform.parse("linux")).hasMessageContaining("expected os/arch");
        assertThatThrownBy(() -> Platform.parse("linux//v7")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Platform.parse("a/b/c/d")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void roundTripsThroughJson() {
        Platform p = Platform.parse("linux/arm/v7");
        assertThat(Platform.fromJson(p.toJson())).isEqualTo(p);
    }
}
