package dev.shed.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ReferenceTest {
    private static final String HEX = "4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1";

    @ParameterizedTest
    @CsvSource({
            "debian, docker.io/library/debian:latest",
            "full, docker.io/library/full:latest",
            "debian:12, docker.io/library/debian:12",
            "library/debian, docker.io/library/debian:latest",
            "docker.io/debian, docker.io/library/debian:latest",
            "index.docker.io/library/debian:bookworm, docker.io/library/debian:bookworm",
            "charliek/shed, docker.io/charliek/shed:latest",
            "ghcr.io/charliek/shed-full:v1, ghcr.io/charliek/shed-full:v1",
            "localhost/app, localhost/app:latest",
            "localhost:5000/team/app:1.0, localhost:5000/team/app:1.0",
            "127.0.0.1:5000/app, 127.0.0.1:5000/app:latest",
            "registry.example.com:443/a/b/c:x_y-z.1, registry.example.com:443/a/b/c:x_y-z.1",
            "[::1]:5000/app:t, [::1]:5000/app:t",
    })
    void normalisesLikeDocker(String input, String expected) {
        assertThat(Reference.parse(input).toString()).isEqualTo(expected);
    }

    @Test
    void splitsRegistryRepositoryTagAndDigest() {
        Reference r = Reference.parse("localhost:5000/team/app:1.0@sha256:" + HEX);
        assertThat(r.registry()).isEqualTo("localhost:5000");
        assertThat(r.repository()).isEqualTo("team/app");
        assertThat(r.tag()).isEqualTo("1.0");
        assertThat(r.digest().hex()).isEqualTo(HEX);
        assertThat(r.tagOrDigest()).isEqualTo("sha256:" + HEX);
        assertThat(r.toString()).isEqualTo("localhost:5000/team/app:1.0@sha256:" + HEX);
        assertThat(r.name()).isEqualTo("localhost:5000/team/app");
    }

    @Test
    void digestOnlyReferenceHasNoTag() {
        Reference r = Reference.parse("debian@sha256:" + HEX);
        assertThat(r.tag()).isNull();
        assertThat(r.toString()).isEqualTo("docker.io/library/debian@sha256:" + HEX);
        assertThat(r.withTag("x").toString()).isEqualTo("docker.io/library/debian:x");
    }

    @Test
    void portWithoutPathIsATag() {
        // docker reads "localhost:5000" as repository "localhost" with tag "5000"
        assertThat(Reference.parse("localhost:5000").toString()).isEqualTo("docker.io/library/localhost:5000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Debian", "debian:", "debian:-bad", "a//b", "/debian", "debian/", "debian@sha256:abc",
            "debian@md5:4f4fb700ef54461cfa02571ae0db9a0dc1e0cdb5577484a6d75e68dc38e8acc1", "bad_host:x/app", "UPPER/case", "debian:ttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttttt", "a b"})
    void refusesInvalidForms(String input) {
        assertThatThrownBy(() -> Reference.parse(input)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reference");
        assertThat(Reference.isValid(input)).isFalse();
    }
}
