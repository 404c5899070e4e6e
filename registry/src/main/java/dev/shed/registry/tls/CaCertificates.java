package dev.shed.registry.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads CA certificates from PEM files: the user's CA files, and the operating system's CA bundle. */
public final class CaCertificates {
    /**
     * Where Linux distributions keep their CA bundle, the same list Go's crypto/x509 searches (skopeo, docker and
     * podman follow it): Debian/Ubuntu, Fedora/RHEL, openSUSE, OpenELEC, CentOS/RHEL 7, Alpine.
     */
    static final List<Path> SYSTEM_BUNDLES = List.of(Path.of("/etc/ssl/certs/ca-certificates.crt"),
            Path.of("/etc/pki/tls/certs/ca-bundle.crt"), Path.of("/etc/ssl/ca-bundle.pem"), Path.of("/etc/pki/tls/cacert.pem"),
            Path.of("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem"), Path.of("/etc/ssl/cert.pem"));

    private CaCertificates() {}

    /** Every certificate in a PEM file; an error naming the file when it is missing or holds none. */
    public static List<X509Certificate> read(Path file) throws IOException {
        List<X509Certificate> out = new ArrayList<>();
        // in memory: the JDK's parser reads its stream a byte at a time (seconds for a 200 KB bundle from a file stream)
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(file))) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) out.add((X509Certificate) c);
        } catch (NoSuchFileException e) {
            throw new IOException("CA certificate file " + file + ": no such file");
        } catch (CertificateException e) {
            throw new IOException("CA certificate file " + file + ": not a PEM certificate (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) throw new IOException("CA certificate file " + file + ": no PEM certificate in it");
        return out;
    }

    /**
     * The operating system's CA files, as OpenSSL and Go find them: {@code SSL_CERT_FILE} if set, else the first
     * distribution bundle that exists; plus every file in the {@code SSL_CERT_DIR} directories (colon-separated).
     */
    static List<Path> systemFiles(Map<String, String> env) {
        List<Path> files = new ArrayList<>();
        String file = env.get("SSL_CERT_FILE");
        if (file != null && !file.isEmpty()) {
            files.add(Path.of(file));
        } else {
            SYSTEM_BUNDLES.stream().filter(Files::isRegularFile).findFirst().ifPresent(files::add);
        }
        String dirs = env.get("SSL_CERT_DIR");
        if (dirs != null) {
            for (String d : dirs.split(":")) {
                if (d.isEmpty()) continue;
                try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of(d))) {
                    for (Path p : s) if (Files.isRegularFile(p)) files.add(p);
                } catch (IOException ignored) {
                    // a missing directory trusts nothing, as in OpenSSL
                }
            }
        }
        return files;
    }

    /** Certificates of the system files; unreadable or non-PEM files (an SSL_CERT_DIR holds other things) are skipped. */
    static List<X509Certificate> system(Map<String, String> env) {
        List<X509Certificate> out = new ArrayList<>();
        for (Path f : systemFiles(env)) {
            try {
                out.addAll(read(f));
            } catch (IOException skipped) {
                // not a certificate file
            }
        }
        return out;
    }
}
