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
    void plainJavaSha256AgreesWithTheJdkAtEveryPaddingBoundary() throws Exception {
        java.util.Random r = new java.util.Random(42);
        for (int len = 0; len < 300; len++) check(r, len);
        for (int len : new int[] {1000, 4095, 4096, 65536, 200_001}) check(r, len);
    }

    private static void check(java.util.Random r, int len) throws Exception {
        byte[] b = new byte[len];
        r.nextBytes(b);
        byte[] jdk = java.security.MessageDigest.getInstance("SHA-256").digest(b);
        assertThat(Sha256.hash(b)).as("length %d", len).isEqualTo(jdk);
        assertThat(Digest.of(b)).isEqualTo(Digest.fromRaw(jdk));
    }
}
