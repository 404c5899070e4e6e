package dev.shed.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.shed.core.materialize.MaterializeOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One documented setting: its key, what it means, its default, and how a typed value becomes the JSON stored in
 * shed/config.json. Every parse error names the key and the value.
 */
public enum ConfigKey {
    EVICTION_POLICY("eviction.policy", "manual",
            "How cached lowers are evicted: manual (only prune), lru (keep cache/ under cache.budget), refcount (drop a lower with its last shed/snapshot)",
            s -> JsonNodeFactory.instance.textNode(EvictionPolicy.parse(s).key())),
    CACHE_BUDGET("cache.budget", "none",
            "Bytes cache/ may hold under the lru policy (500M, 10G, 10GB, or a byte count; 'none' = no limit)",
            s -> s.equals("none") ? JsonNodeFactory.instance.nullNode() : JsonNodeFactory.instance.numberNode(parseBudget(s))),
    PULL_CONCURRENCY("pull.concurrency", String.valueOf(StoreConfig.DEFAULT_PULL_CONCURRENCY),
            "Blobs downloaded in parallel by one pull (1-32)",
            s -> JsonNodeFactory.instance.numberNode(parseConcurrency(s))),
    REGISTRIES_INSECURE("registries.insecure", "",
            "Comma-separated registry hosts (host[:port]) reached over plain HTTP",
            ConfigKey::parseHosts),
    REGISTRIES_CA_CERTS("registries.ca-certs", "",
            "Comma-separated HOST[:PORT]=/abs/ca.pem: a PEM CA file trusted for that registry besides the system's trust store "
                    + "(such a registry is reached over HTTPS, also on a loopback address)",
            ConfigKey::parseCaCerts),
    MATERIALIZE_COMPRESSION("materialize.compression", MaterializeOptions.defaults().compression().cliName(),
            "Compression of lowers built lazily by shed create/start: none, lz4, lz4hc (changing it makes existing lowers stale)",
            s -> JsonNodeFactory.instance.textNode(MaterializeOptions.Compression.parse(s).cliName())),
    MATERIALIZE_BACKEND("materialize.backend", MaterializeOptions.defaults().backend().cliName(),
            "Who writes lazily built lowers: java (shed's EROFS writer) or mkfs.erofs (host tool)",
            s -> JsonNodeFactory.instance.textNode(MaterializeOptions.Backend.parse(s).cliName())),
    MATERIALIZE_LAYOUT("materialize.layout", MaterializeOptions.DEFAULT_LAYOUT.cliName(),
            "How lowers are stored: flat (one self-contained image) or shared (a metadata image over per-layer data "
                    + "devices, each layer's data stored once; java backend only)",
            s -> JsonNodeFactory.instance.textNode(MaterializeOptions.Layout.parse(s).cliName())),
    RUNTIME("runtime", "vm",
            "How sheds created from now on run: vm (boot a microVM with QEMU) or mount (loop-mount + overlay on the host)",
            s -> JsonNodeFactory.instance.textNode(parseRuntime(s))),
    VM_KERNEL("vm.kernel", "",
            "Guest kernel for vm sheds whose image carries none (default: the host's /boot/vmlinuz-$(uname -r), for images of the host's architecture)",
            ConfigKey::parsePath),
    VM_MODULES("vm.modules", "",
            "Module tree of vm.kernel (default: lib/modules/RELEASE beside the kernel, else /lib/modules/RELEASE)",
            ConfigKey::parsePath),
    VM_INITRD("vm.initrd", "",
            "Guest initrd to use instead of the one shed writes (it must speak shed's init protocol)",
            ConfigKey::parsePath),
    VM_BUSYBOX("vm.busybox", "",
            "Static busybox for the initrd shed writes (default: /bin/busybox from busybox-static, for images of the host's architecture)",
            ConfigKey::parsePath),
    VM_KERNEL_AMD64("vm.kernel.amd64", "", archDescription("vm.kernel", "amd64"), ConfigKey::parsePath),
    VM_MODULES_AMD64("vm.modules.amd64", "", archDescription("vm.modules", "amd64"), ConfigKey::parsePath),
    VM_INITRD_AMD64("vm.initrd.amd64", "", archDescription("vm.initrd", "amd64"), ConfigKey::parsePath),
    VM_BUSYBOX_AMD64("vm.busybox.amd64", "", archDescription("vm.busybox", "amd64"), ConfigKey::parsePath),
    VM_KERNEL_ARM64("vm.kernel.arm64", "", archDescription("vm.kernel", "arm64"), ConfigKey::parsePath),
    VM_MODULES_ARM64("vm.modules.arm64", "", archDescription("vm.modules", "arm64"), ConfigKey::parsePath),
    VM_INITRD_ARM64("vm.initrd.arm64", "", archDescription("vm.initrd", "arm64"), ConfigKey::parsePath),
    VM_BUSYBOX_ARM64("vm.busybox.arm64", "", archDescription("vm.busybox", "arm64"), ConfigKey::parsePath),
    VM_MEMORY("vm.memory", "256M",
            "Guest memory of vm sheds (64M and up)",
            s -> JsonNodeFactory.instance.numberNode(parseMemory(s)));

    private final String key;
    private final String defaultValue;
    private final String description;
    private final Function<String, JsonNode> parser;

    ConfigKey(String key, String defaultValue, String description, Function<String, JsonNode> parser) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.parser = parser;
    }

    public String key() { return key; }
    public String defaultValue() { return defaultValue; }
    public String description() { return description; }

    public static ConfigKey of(String key) {
        for (ConfigKey k : values()) if (k.key.equals(key)) return k;
        List<String> known = new ArrayList<>();
        for (ConfigKey k : values()) known.add(k.key);
        throw new IllegalArgumentException("unknown config key '" + key + "' (known: " + String.join(", ", known) + ")");
    }

    /** The stored JSON for a typed value; IllegalArgumentException naming key and value when invalid. */
    public JsonNode parse(String value) {
        try {
            return parser.apply(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value '" + value + "' for " + key + ": " + e.getMessage());
        }
    }

    /** How a stored value is shown by {@code shed config get}: the form {@code set} accepts back. */
    public String display(JsonNode stored) {
        if (stored == null || stored.isNull()) return defaultValue;
        if (stored.isArray()) {
            List<String> items = new ArrayList<>();
            stored.forEach(n -> items.add(n.asText()));
            return String.join(",", items);
        }
        return stored.asText();
    }

    /** vm.kernel, vm.modules and vm.initrd of an arch are taken together when its vm.kernel.ARCH is set. */
    private static String archDescription(String key, String arch) {
        return switch (key) {
            case "vm.kernel" -> "Guest kernel for " + arch + " images, before vm.kernel (with vm.modules." + arch + ", vm.initrd." + arch + ")";
            case "vm.busybox" -> "Static busybox for " + arch + " images, before vm.busybox";
            default -> key + " of vm.kernel." + arch + " (used instead of " + key + " when vm.kernel." + arch + " is set)";
        };
    }

    private static String parseRuntime(String s) {
        if (s.equals("vm") || s.equals("mount")) return s;
        throw new IllegalArgumentException("expected vm or mount");
    }

    private static JsonNode parsePath(String s) {
        if (s.isEmpty()) return JsonNodeFactory.instance.textNode("");
        if (!s.startsWith("/")) throw new IllegalArgumentException("expected an absolute path");
        return JsonNodeFactory.instance.textNode(s);
    }

    private static long parseMemory(String s) {
        long bytes = ByteSizes.parse(s);
        if (bytes < (64L << 20)) throw new IllegalArgumentException("at least 64M");
        return bytes;
    }

    /** At least one byte: a zero budget would evict every lower but the one in use ('none' means no limit). */
    private static long parseBudget(String s) {
        long bytes = ByteSizes.parse(s);
        if (bytes < 1) throw new IllegalArgumentException("a budget must be at least 1 byte ('none' for no limit)");
        return bytes;
    }

    private static int parseConcurrency(String s) {
        int n;
        try {
            n = Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a whole number");
        }
        if (n < 1 || n > 32) throw new IllegalArgumentException("must be between 1 and 32");
        return n;
    }

    private static JsonNode parseCaCerts(String s) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (String item : s.split(",")) {
            String entry = item.trim();
            if (entry.isEmpty()) continue;
            int eq = entry.indexOf('=');
            if (eq < 0) throw new IllegalArgumentException("'" + entry + "' is not HOST[:PORT]=FILE");
            String host = entry.substring(0, eq).trim();
            String file = entry.substring(eq + 1).trim();
            if (!isHost(host)) throw new IllegalArgumentException("'" + host + "' is not a registry host[:port]");
            if (!java.nio.file.Path.of(file).isAbsolute()) throw new IllegalArgumentException("CA file '" + file + "' is not an absolute path");
            arr.add(host + "=" + file);
        }
        return arr;
    }

    private static boolean isHost(String host) {
        return host.matches("[A-Za-z0-9.-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
    }

    private static JsonNode parseHosts(String s) {
        ArrayNode arr = JsonNodeFactory.instance.arrayNode();
        for (String h : s.split(",")) {
            String host = h.trim();
            if (host.isEmpty()) continue;
            if (!isHost(host)) throw new IllegalArgumentException("'" + host + "' is not a registry host[:port]");
            arr.add(host);
        }
        return arr;
    }
}
