package dev.shed.registry.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

/** Which transport failures RegistryHttp retries: a bad server certificate is final, a broken connection is not. */
class RetryClassificationTest {
    @Test
    void certificateProblemsAreFinalButConnectionProblemsAreRetried() {
        SSLHandshakeException untrusted = new SSLHandshakeException("PKIX path building failed");
        untrusted.initCause(new CertificateException("unable to find valid certification path"));
        assertThat(RegistryHttp.isCertificateFailure(untrusted)).isTrue();
        assertThat(RegistryHttp.isCertificateFailure(new IOException("wrapped", untrusted))).isTrue();

        assertThat(RegistryHttp.isCertificateFailure(new SSLHandshakeException("Remote host terminated the handshake"))).isFalse();
        assertThat(RegistryHttp.isCertificateFailure(new ConnectException("Connection refused"))).isFalse();
        assertThat(RegistryHttp.isCertificateFailure(new IOException("connection reset"))).isFalse();
    }
}
