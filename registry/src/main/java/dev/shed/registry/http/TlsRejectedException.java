package dev.shed.registry.http;

import dev.shed.registry.tls.CertificateRejectedException;
import dev.shed.registry.tls.CertificateRejectedException.Reason;
import java.io.IOException;

/**
 * A server of the registry presented a TLS certificate that was refused (not retried: the same would happen
 * again). One line naming the registry, the server and the reason, with the remedy where there is one.
 */
public final class TlsRejectedException extends IOException {
    private final Reason reason;

    TlsRejectedException(String registry, CertificateRejectedException rejected, IOException cause) {
        super("registry " + registry + ": " + rejected.getMessage() + hint(rejected.reason()), cause);
        this.reason = rejected.reason();
    }

    public Reason reason() {
        return reason;
    }

    private static String hint(Reason r) {
        return r == Reason.UNTRUSTED
                ? " (trust its CA with --ca-cert FILE or 'shed config set registries.ca-certs HOST[:PORT]=FILE')"
                : "";
    }
}
