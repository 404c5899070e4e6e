package dev.shed.registry.tls;

import dev.shed.registry.tls.CertificateRejectedException.Reason;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Server certificate checks for registries: a certificate is accepted when the JDK's own PKIX checks (chain, dates,
 * host name, algorithms) pass against any of, in order: the JDK's trust store (on Debian/Fedora the system's
 * store, kept in sync by ca-certificates-java), the command's CA files, the operating system's PEM bundle
 * ({@link CaCertificates#system}; for JDKs that ship their own store). Later layers load only when the earlier
 * ones refuse, so a registry with a public certificate costs what the JDK's default does.
 *
 * <p>A refusal is classified by re-running the checks without the host-name step and by the certificates'
 * validity dates, and thrown as a {@link CertificateRejectedException} naming the server and the reason.
 */
public final class RegistryTrustManager extends X509ExtendedTrustManager {
    private final List<Supplier<X509ExtendedTrustManager>> layers;

    /** Trusts the JDK's store, then {@code caFiles} (read now: a bad file fails before any connection), then the OS bundle. */
    public RegistryTrustManager(List<X509Certificate> caCertificates, Map<String, String> env) {
        List<Supplier<X509ExtendedTrustManager>> l = new ArrayList<>();
        l.add(memo(() -> trusting(null)));
        if (!caCertificates.isEmpty()) l.add(memo(() -> trusting(caCertificates)));
        l.add(memo(() -> {
            List<X509Certificate> system = CaCertificates.system(env);
            return system.isEmpty() ? null : trusting(system);
        }));
        this.layers = List.copyOf(l);
    }

    /** A PKIX trust manager over {@code anchors}, or the JDK's default store when null. */
    private static X509ExtendedTrustManager trusting(List<X509Certificate> anchors) {
        try {
            KeyStore ks = null;
            if (anchors != null) {
                ks = KeyStore.getInstance(KeyStore.getDefaultType());
                ks.load(null, null);
                for (int i = 0; i < anchors.size(); i++) ks.setCertificateEntry("ca-" + i, anchors.get(i));
            }
            TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            f.init(ks);
            for (TrustManager tm : f.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x) return x;
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
        }
    }

    private static Supplier<X509ExtendedTrustManager> memo(Supplier<X509ExtendedTrustManager> s) {
        return new Supplier<>() {
            private boolean done;
            private X509ExtendedTrustManager value;

            @Override
            public synchronized X509ExtendedTrustManager get() {
                if (!done) {
                    value = s.get();
                    done = true;
                }
                return value;
            }
        };
    }

    private interface Check {
        void run(X509ExtendedTrustManager tm) throws CertificateException;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        verify(chain, authType, tm -> tm.checkServerTrusted(chain, authType, engine),
                engine == null ? null : engine.getPeerHost(), engine == null ? -1 : engine.getPeerPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        verify(chain, authType, tm -> tm.checkServerTrusted(chain, authType, socket),
                socket == null || socket.getInetAddress() == null ? null : socket.getInetAddress().getHostAddress(),
                socket == null ? -1 : socket.getPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, authType, tm -> tm.checkServerTrusted(chain, authType), null, -1);
    }

    private void verify(X509Certificate[] chain, String authType, Check check, String host, int port) throws CertificateException {
        CertificateException first = null;
        for (Supplier<X509ExtendedTrustManager> layer : layers) {
            X509ExtendedTrustManager tm = layer.get();
            if (tm == null) continue;
            try {
                check.run(tm);
                return;
            } catch (CertificateException e) {
                if (first == null) first = e;
            }
        }
        throw diagnose(chain, authType, host, port, first);
    }

    /** Why no layer accepted the chain: dates, then trust without the host-name step, then the names. */
    private CertificateRejectedException diagnose(X509Certificate[] chain, String authType, String host, int port,
                                                  CertificateException cause) {
        String server = host == null ? "the server" : port > 0 ? hostPort(host, port) : host;
        Date now = new Date();
        for (X509Certificate c : chain) {
            try {
                c.checkValidity(now);
            } catch (CertificateExpiredException e) {
                return new CertificateRejectedException(Reason.EXPIRED, server, "the TLS certificate of " + server + " has expired ("
                        + subject(c) + ", valid until " + c.getNotAfter().toInstant() + ")", cause);
            } catch (CertificateNotYetValidException e) {
                return new CertificateRejectedException(Reason.NOT_YET_VALID, server, "the TLS certificate of " + server
                        + " is not valid yet (" + subject(c) + ", valid from " + c.getNotBefore().toInstant() + ")", cause);
            }
        }
        boolean trustedChain = false;
        for (Supplier<X509ExtendedTrustManager> layer : layers) {
            X509ExtendedTrustManager tm = layer.get();
            if (tm == null) continue;
            try {
                tm.checkServerTrusted(chain, authType); // the same checks without the host name
                trustedChain = true;
                break;
            } catch (CertificateException ignored) {
                // not from this layer's CAs
            }
        }
        if (!trustedChain) {
            X509Certificate top = chain[chain.length - 1];
            return new CertificateRejectedException(Reason.UNTRUSTED, server, "the TLS certificate of " + server
                    + " is not trusted: its issuer (" + top.getIssuerX500Principal().getName() + ") is in neither the system's"
                    + " trust store nor a CA file given for this registry", cause);
        }
        List<String> names = names(chain[0]);
        if (host != null && names.stream().noneMatch(n -> matches(n, host))) {
            return new CertificateRejectedException(Reason.WRONG_HOST, server, "the TLS certificate of " + server + " is for "
                    + (names.isEmpty() ? "no host name" : String.join(", ", names)) + ", not " + host, cause);
        }
        return new CertificateRejectedException(Reason.REJECTED, server, "the TLS certificate of " + server + " was refused: "
                + (cause == null ? "" : cause.getMessage()), cause);
    }

    private static String hostPort(String host, int port) {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    /** DNS and IP subject alternative names; the CN when there are none (what the JDK falls back to). */
    static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            var sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    int type = (Integer) san.get(0);
                    if (type == 2 || type == 7) out.add(String.valueOf(san.get(1)));
                }
            }
        } catch (CertificateParsingException ignored) {
            // no readable SAN extension
        }
        if (out.isEmpty()) {
            for (String rdn : c.getSubjectX500Principal().getName().split(",")) {
                if (rdn.startsWith("CN=")) out.add(rdn.substring(3));
            }
        }
        return out;
    }

    /** Only for choosing the error message (the JDK made the decision): exact, IP-equal, or one-label wildcard. */
    static boolean matches(String name, String host) {
        String n = name.toLowerCase(Locale.ROOT);
        String h = host.toLowerCase(Locale.ROOT);
        if (n.equals(h)) return true;
        if (n.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot).equals(n.substring(1));
        }
        if (isIpLiteral(n) && isIpLiteral(h)) {
            try {
                return InetAddress.getByName(n).equals(InetAddress.getByName(h));
            } catch (UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    private static boolean isIpLiteral(String s) {
        return s.contains(":") || s.chars().allMatch(ch -> ch == '.' || Character.isDigit(ch));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("shed only connects to servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("shed only connects to servers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("shed only connects to servers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        List<X509Certificate> out = new ArrayList<>();
        for (int i = 0; i < layers.size() - 1; i++) { // not the OS bundle: it is loaded only when needed
            X509ExtendedTrustManager tm = layers.get(i).get();
            if (tm != null) out.addAll(Arrays.asList(tm.getAcceptedIssuers()));
        }
        return out.toArray(X509Certificate[]::new);
    }
}
