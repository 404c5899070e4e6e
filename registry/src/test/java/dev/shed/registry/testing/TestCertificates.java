package dev.shed.registry.testing;

import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A certificate authority and a server certificate it signed, made with openssl (EC P-256, valid two days).
 *
 * @param ca         the CA certificate (PEM), what a client must trust
 * @param caDir      a directory holding only {@code ca.crt}: skopeo's {@code --cert-dir} form of the same trust
 * @param serverCert the server certificate (PEM)
 * @param serverKey  its private key (PEM)
 */
public record TestCertificates(Path ca, Path caDir, Path serverCert, Path serverKey) {
    /**
     * Makes a CA named {@code caName} in {@code dir} and a server certificate for {@code subjectAltNames}
     * (openssl syntax: {@code IP:127.0.0.1}, {@code DNS:localhost}).
     */
    public static TestCertificates make(Path dir, String caName, String... subjectAltNames) throws Exception {
        Integration.requireTool("openssl");
        Files.createDirectories(dir);
        Path caKey = dir.resolve("ca.key");
        Path ca = dir.resolve("ca.pem");
        Processes.check(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", caKey.toString(), "-out", ca.toString(), "-subj", "/CN=" + caName, "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Processes.check(dir, "openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=shed test registry");
        Path ext = dir.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=" + String.join(",", subjectAltNames) + "\n"
                + "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n");
        Path cert = dir.resolve("server.pem");
        Processes.check(dir, "openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-out", cert.toString(), "-days", "2", "-extfile", ext.toString());
        Path caDir = Files.createDirectories(dir.resolve("cert-dir"));
        Files.copy(ca, caDir.resolve("ca.crt"));
        return new TestCertificates(ca, caDir, cert, key);
    }

    /** A server certificate for the loopback names shed's tests use: 127.0.0.1, its IPv4-mapped IPv6 form, localhost. */
    public static TestCertificates loopback(Path dir, String caName) throws Exception {
        return make(dir, caName, "IP:127.0.0.1", "IP:::ffff:127.0.0.1", "DNS:localhost");
    }
}
