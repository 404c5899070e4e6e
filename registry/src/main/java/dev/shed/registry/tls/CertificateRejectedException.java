package dev.shed.registry.tls;

import java.security.cert.CertificateException;

/**
 * Why a registry's TLS certificate was refused, as a type the caller can test for (the JDK's own exceptions say
 * it only in their message text). Raised by {@link RegistryTrustManager}; the JDK hands it on as the cause of its
 * {@code SSLHandshakeException}.
 */
public final class CertificateRejectedException extends CertificateException {
    /** What was wrong with the certificate. */
    public enum Reason {
        /** No trusted CA issued it (self-signed, private CA not given, incomplete chain). */
        UNTRUSTED,
        /** A certificate of the chain is past its notAfter date. */
        EXPIRED,
        /** A certificate of the chain is before its notBefore date. */
        NOT_YET_VALID,
        /** Trusted, but issued for other names than the host that was asked for. */
        WRONG_HOST,
        /** Trusted and for this host, yet refused by the JDK's checks (e.g. a disallowed signature algorithm). */
        REJECTED
    }

    private final Reason reason;
    private final String server;

    CertificateRejectedException(Reason reason, String server, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.server = server;
    }

    public Reason reason() {
        return reason;
    }

    /** {@code host:port} of the server that presented the certificate. */
    public String server() {
        return server;
    }
}
