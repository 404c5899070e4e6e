package dev.shed.registry.http;

import dev.shed.core.oci.Reference;
import dev.shed.core.oci.RegistryHost;
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
        boolean insecure = RegistryHost.settingKeys(registry).stream().anyMatch(insecureRegistries::contains);
        if (insecure && hasCaCertificate) {
            throw new IllegalArgumentException("registry " + registry + " is marked insecure (plain HTTP) and also given a CA "
                    + "certificate (TLS); drop one of the two");
        }
        boolean plain = !hasCaCertificate && (insecure || isLoopback(RegistryHost.address(registry)));
        return new RegistryEndpoint(registry, URI.create((plain ? "http://" : "https://") + apiHost));
    }

    public boolean plainHttp() {
        return "http".equals(base.getScheme());
    }

    /** {@code base + path}, where path starts with /v2/. */
    public URI resolve(String path) {
        return URI.create(base + path);
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
