package dev.shed.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import java.util.Locale;
import java.util.Objects;

/** os/architecture[/variant], normalised the way containerd does (amd64=x86_64, arm64=aarch64, arm64 → v8). */
public record Platform(String os, String architecture, String variant) {

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        os = os.toLowerCase(Locale.ROOT);
        String[] av = normalise(architecture.toLowerCase(Locale.ROOT), variant == null ? "" : variant.toLowerCase(Locale.ROOT));
        architecture = av[0];
        variant = av[1].isEmpty() ? null : av[1];
    }

    private static String[] normalise(String arch, String variant) {
        switch (arch) {
            case "x86_64": case "x86-64": case "amd64":
                return new String[] {"amd64", variant.equals("v1") ? "" : variant};
            case "i386": case "i686": case "386":
                return new String[] {"386", ""};
            case "aarch64": case "arm64":
                return new String[] {"arm64", variant.equals("8") || variant.isEmpty() ? "v8" : variant};
            case "armhf":
                return new String[] {"arm", "v7"};
            case "armel":
                return new String[] {"arm", "v6"};
            case "arm":
                return new String[] {"arm", variant.isEmpty() ? "v7" : variant.startsWith("v") ? variant : "v" + variant};
            default:
                return new String[] {arch, variant};
        }
    }

    /** Parses {@code os/arch[/variant]}. */
    public static Platform parse(String s) {
        String[] parts = s.split("/", -1);
        if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("invalid platform '" + s + "': expected os/arch[/variant], e.g. linux/amd64");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** The platform of this JVM's host, normalised (always linux for image purposes on Linux hosts). */
    public static Platform host() {
        String os = System.getProperty("os.name", "linux").toLowerCase(Locale.ROOT);
        return new Platform(os.contains("mac") ? "linux" : os.contains("linux") ? "linux" : os,
                System.getProperty("os.arch", "amd64"), null);
    }

    /** True when {@code candidate} (from an index) serves this wanted platform. */
    public boolean matches(Platform candidate) {
        return candidate != null && os.equals(candidate.os) && architecture.equals(candidate.architecture)
                && (variant == null || Objects.equals(variant, candidate.variant));
    }

    public static Platform fromJson(JsonNode n) {
        return new Platform(Json.text(n, "os") == null ? "unknown" : Json.text(n, "os"),
                Json.text(n, "architecture") == null ? "unknown" : Json.text(n, "architecture"),
                Json.text(n, "variant"));
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("architecture", architecture);
        n.put("os", os);
        if (variant != null) n.put("variant", variant);
        return n;
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}
