package dev.shed.registry.http;

import dev.shed.core.oci.Reference;
import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * Where API calls for a registry name go. {@code docker.io} is served by {@code registry-1.docker.io}. Plain HTTP
 * is used only for loopback hosts and hosts the user marked insecure; everything else is HTTPS. A registry given a
 * CA certificate is HTTPS even on a loopback host (naming its CA says it speaks TLS).
 */
public record RegistryEndpoint(String registry, URI base) {
    public static final String DOCKER_HUB_API = "registry-1.docker.io";

    public static RegistryEndpoint of(String registry, Set<String> insecureRegistries) {
        return of(registry, insecureRegistries, false);
    }

    /** @param hasCaCertificate a CA file was given for this registry: TLS, unless it is also marked insecure (refused) */
    public static RegistryEndpoint of(String registry, Set<String> insecureRegistries, boolean hasCaCertificate) {
        String apiHost = Reference.DOCKER_HUB.equals(registry) ? DOCKER_HUB_API : registry;
        String lower = registry.toLowerCase(Locale.ROOT);
        boolean insecure = insecureRegistries.contains(lower) || insecureRegistries.contains(hostPart(lower));
        if (insecure && hasCaCertificate) {
            throw new IllegalArgumentException("registry " + registry + " is marked insecure (plain HTTP) and also given a CA "
                    + "certificate (TLS); drop one of the two");
        }
        boolean plain = !hasCaCertificate && (insecure || isLoopback(hostPart(lower)));
        return new RegistryEndpoint(registry, URI.create((plain ? "http://" : "https://") + apiHost));
    }

    public boolean plainHttp() {
        return "http".equals(base.getScheme());
    }

    /** {@code base + path}, where path starts with /v2/. */
    public URI resolve(String path) {
        return URI.create(base + path);
    }

    /** The host without port; IPv6 literals lose their brackets. */
    static String hostPart(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end < 0 ? registry : registry.substring(1, end);
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    /**
     * Loopback by syntax alone (no DNS): {@code localhost} exactly, IPv4 127.0.0.0/8 literals, IPv6 {@code ::1}.
     * {@code localhost.example.com} or {@code 127.0.0.1.nip.io} are not loopback.
     */
    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.equals("localhost")) return true;
        if (h.contains(":")) return isIpv6Loopback(h);
        String[] octets = h.split("\\.", -1);
        if (octets.length != 4) return false;
        for (String o : octets) {
            if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit) || Integer.parseInt(o) > 255) return false;
        }
        return octets[0].equals("127");
    }

    private static boolean isIpv6Loopback(String h) {
        if (!h.matches("[0-9a-f:]+")) return false;
        String[] parts = h.split(":", -1);
        int nonEmptyZeros = 0;
        boolean gap = false;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.isEmpty()) {
                gap = true;
                continue;
            }
            if (p.length() > 4) return false;
            int v = Integer.parseInt(p, 16);
            if (i == parts.length - 1) return v == 1 && (gap || nonEmptyZeros == 7);
            if (v != 0) return false;
            nonEmptyZeros++;
        }
        return false;
    }
}
