package dev.shed.core.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host of a registry name ({@code host[:port]}, an IPv6 literal in brackets: {@code [::1]:5000}) and the keys
 * a per-registry setting (insecure registries, CA files) is looked up by — one rule for every such setting.
 */
public final class RegistryHost {
    private RegistryHost() {}

    /** The host without port, as written: {@code [::1]} for {@code [::1]:5000}, {@code example.com} for {@code example.com:5000}. */
    public static String host(String registry) {
        if (registry.startsWith("[")) {
            int end = registry.indexOf(']');
            return end < 0 ? registry : registry.substring(0, end + 1);
        }
        int colon = registry.indexOf(':');
        return colon < 0 ? registry : registry.substring(0, colon);
    }

    /** {@link #host} without the brackets of an IPv6 literal: {@code ::1}. */
    public static String address(String registry) {
        String h = host(registry);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /**
     * Where a setting for {@code registry} may be listed, most specific first, lower case: the full name, then its
     * host, then an IPv6 host without brackets ({@code [::1]:5000}, {@code [::1]}, {@code ::1}).
     */
    public static List<String> settingKeys(String registry) {
        String r = registry.toLowerCase(Locale.ROOT);
        List<String> keys = new ArrayList<>(List.of(r));
        for (String k : List.of(host(r), address(r))) if (!keys.contains(k)) keys.add(k);
        return keys;
    }
}
