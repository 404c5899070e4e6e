package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.core.oci.Digest;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.TarLayerBuilder;
import dev.shed.registry.testing.TestCertificates;
import dev.shed.registry.testing.TestImages;
import dev.shed.registry.testing.TestRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ca-cert} on pull, push and create, and {@code registries.ca-certs}, against Debian's docker-registry serving
 * TLS with a certificate from a CA that openssl made here; skopeo (verifying with the same CA) is the peer.
 */
class TlsRegistryCommandTest {
    static TestCertificates certs;
    static TestCertificates otherCa;
    static TestRegistry registry;
    static String ref;
    static Digest digest;

    @TempDir
    Path tmp;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        TestRegistry.require();
        dev.shed.core.testing.Integration.requireTool("skopeo");
        certs = TestCertificates.loopback(dir.resolve("certs"), "shed test CA");
        otherCa = TestCertificates.loopback(dir.resolve("other"), "some other CA");
        registry = TestRegistry.withTls(dir.resolve("registry"), certs);
        Path layout = dir.resolve("layout");
        new OciLayoutBuilder(layout).image("small", OciLayoutBuilder.Layer.gzip(new TarLayerBuilder()
                .dir("etc").file("etc/hello.txt", "hello over TLS\n")));
        ref = registry.host() + "/tls/small:1";
        TestImages.pushTls(layout, "small", ref, certs.caDir());
        digest = Digest.of(TestImages.rawManifestTls(ref, certs.caDir(), null));
    }

    @AfterAll
    static void tearDown() {
        if (registry != null) registry.close();
    }

    @Test
    void pullAndPushTrustTheCaGivenWithCaCert() throws Exception {
        Path root = tmp.resolve("root");
        Shed.Result pull = Shed.run(root, "image", "pull", "-q", "--ca-cert", certs.ca().toString(), ref);
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out().trim()).isEqualTo(ref + "@" + digest);

        String copy = registry.host() + "/tls/copy:1";
        Shed.Result push = Shed.run(root, "image", "push", "-q", "--ca-cert", certs.ca().toString(), ref, copy);
        assertThat(push.exit()).as(push.err()).isZero();
        assertThat(Digest.of(TestImages.rawManifestTls(copy, certs.caDir(), null))).isEqualTo(digest);
    }

    @Test
    void theConfigKeyServesPullAndCreate() throws Exception {
        Path root = tmp.resolve("root");
        String entry = registry.host() + "=" + certs.ca();
        assertThat(Shed.run(root, "config", "set", "registries.ca-certs", entry).exit()).isZero();
        assertThat(Shed.run(root, "config", "get", "registries.ca-certs").out().trim()).isEqualTo(entry);

        Shed.Result create = Shed.run(root, "create", "dev", "--image", ref);
        assertThat(create.exit()).as(create.err()).isZero();
        Shed.Result pull = Shed.run(root, "image", "pull", "-q", ref);
        assertThat(pull.exit()).as(pull.err()).isZero();
        assertThat(pull.out().trim()).isEqualTo(ref + "@" + digest);

        assertThat(Shed.run(root, "config", "set", "registries.ca-certs", "reg.lan=relative.pem").exit()).isEqualTo(2);
    }

    @Test
    void createTakesCaCertWhenItPulls() {
        Shed.Result create = Shed.run(tmp.resolve("root"), "create", "dev", "--ca-cert", certs.ca().toString(), "--image", ref);
        assertThat(create.exit()).as(create.err()).isZero();
        assertThat(Shed.run(tmp.resolve("root"), "image", "verify").exit()).isZero();
    }

    @Test
    void untrustedAndWrongHostCertificatesFailWithOneLine(@TempDir Path dir) throws Exception {
        Shed.Result untrusted = Shed.run(tmp.resolve("root"), "image", "pull", "--ca-cert", otherCa.ca().toString(), ref);
        assertThat(untrusted.exit()).isEqualTo(1);
        assertThat(untrusted.errLines()).hasSize(1);
        assertThat(untrusted.errLines().get(0)).startsWith("shed: error: pull " + ref + ": registry " + registry.host()
                + ": the TLS certificate of " + registry.host() + " is not trusted: its issuer (CN=shed test CA)");

        Shed.Result create = Shed.run(tmp.resolve("root"), "create", "dev", "--ca-cert", otherCa.ca().toString(), "--image", ref);
        assertThat(create.exit()).isEqualTo(1);
        assertThat(create.errLines()).filteredOn(l -> l.startsWith("shed: error:")).hasSize(1); // after the progress lines
        assertThat(create.errLines().get(create.errLines().size() - 1)).startsWith("shed: error: pulling " + ref + ": registry " + registry.host() + ": the TLS certificate");

        TestCertificates elsewhere = TestCertificates.make(dir.resolve("certs"), "shed test CA 2", "DNS:registry.example");
        try (TestRegistry other = TestRegistry.withTls(dir.resolve("registry"), elsewhere)) {
            String r = other.host() + "/x/y:1";
            Shed.Result wrongHost = Shed.run(tmp.resolve("root"), "image", "pull", "--ca-cert", elsewhere.ca().toString(), r);
            assertThat(wrongHost.exit()).isEqualTo(1);
            assertThat(wrongHost.errLines()).containsExactly("shed: error: pull " + r + ": registry " + other.host()
                    + ": the TLS certificate of " + other.host() + " is for registry.example, not 127.0.0.1");
        }
    }

    @Test
    void aMissingCaFileIsAUsageError() {
        Path missing = tmp.resolve("missing.pem");
        Shed.Result pull = Shed.run(tmp.resolve("root"), "image", "pull", "--ca-cert", missing.toString(), ref);
        assertThat(pull.exit()).isEqualTo(2);
        assertThat(pull.errLines()).containsExactly("shed: error: --ca-cert " + missing + ": no such file");
    }
}
