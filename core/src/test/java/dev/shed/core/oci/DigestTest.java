package dev.shed.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DigestTest {
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void hashesBytesWithSha256() {
        assertThat(Digest.of(new byte[0]).toString()).isEqualTo("sha256:" + EMPTY);
        assertThat(Digest.of("abc".getBytes(StandardCharsets.US_ASCII)).hex())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void parsesAndPrintsTheCanonicalForm() {
        Digest d = Digest.parse("sha256:" + EMPTY);
        assertThat(d.hex()).isEqualTo(EMPTY);
        assertThat(d.shortHex()).isEqualTo("e3b0c44298fc");
        assertThat(Digest.parse(d.toString())).isEqualTo(d);
    }

    @Test
    void refusesOtherAlgorithmsUppercaseAndWrongLengths() {
        assertThatThrownBy(() -> Digest.parse("sha512:" + EMPTY)).hasMessageContaining("unsupported digest algorithm 'sha512'");
        assertThatThrownBy(() -> Digest.parse("sha256:" + EMPTY.toUpperCase())).hasMessageContaining("64 lowercase hex");
        assertThatThrownBy(() -> Digest.parse("sha256:" + EMPTY.substring(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Digest.parse(EMPTY)).hasMessageContaining("expected sha256:");
        assertThatThrownBy(() -> Digest.parse(null)).hasMessageContaining("missing digest");
        assertThat(Digest.isValid("sha256:" + EMPTY + "0")).isFalse();
        assertThat(Digest.isValid("sha256:" + EMPTY)).isTrue();
    }

    @Test
    void ordersByHex() {
        Digest a = Digest.parse("sha256:" + "0".repeat(64));
        Digest b = Digest.parse("sha256:" + "f".repeat(64));
        assertThat(a).isLessThan(b);
    }

    @Test
    void agreesWithCoreutilsSha256sum(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        dev.shed.core.testing.Integration.requireTool("sha256sum");
        byte[] b = new byte[300_001];
        new java.util.Random(7).nextBytes(b);
        java.nio.file.Path f = java.nio.file.Files.write(tmp.resolve("blob"), b);
        String out = dev.shed.core.testing.Processes.check(null, "sha256sum", f.toString());
        assertThat(Digest.of(b).hex()).isEqualTo(out.substring(0, 64));
    }
}
