package dev.shed.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's config file, shed/config.json: one flat JSON object whose keys are the {@link ConfigKey}s
 * ({@code {"eviction.policy": "lru", "cache.budget": 10737418240}}). Absent keys take their defaults; keys this
 * version does not know are kept untouched (a newer shed may have written them). Changes are read-modify-write
 * under the {@code config} lock and replace the file atomically.
 */
public final class ConfigFile {
    private final Path file;
    private final FileLocks locks;
    private final ObjectNode snapshot; // null: read the file on every call

    public ConfigFile(Store store) {
        this(store.layout().configFile(), store.locks());
    }

    public ConfigFile(Path file, FileLocks locks) {
        this(file, locks, null);
    }

    private ConfigFile(Path file, FileLocks locks, ObjectNode snapshot) {
        this.file = file;
        this.locks = locks;
        this.snapshot = snapshot;
    }

    /**
     * The settings as they are now, read once: for a command that consults several keys (shed start read the
     * file eight times). {@code set}/{@code unset} on it still change the file, not the snapshot.
     */
    public ConfigFile snapshot() throws IOException {
        return new ConfigFile(file, locks, current());
    }

    public Path path() {
        return file;
    }

    /** The typed settings; a value that does not parse is an error naming the file and key. */
    public StoreConfig load() throws IOException {
        ObjectNode raw = current();
        EvictionPolicy policy = EvictionPolicy.valueOf(stored(raw, ConfigKey.EVICTION_POLICY).asText().toUpperCase(java.util.Locale.ROOT));
        JsonNode budget = stored(raw, ConfigKey.CACHE_BUDGET);
        int concurrency = stored(raw, ConfigKey.PULL_CONCURRENCY).asInt();
        List<String> insecure = new ArrayList<>();
        stored(raw, ConfigKey.REGISTRIES_INSECURE).forEach(n -> insecure.add(n.asText()));
        MaterializeOptions materialize = MaterializeOptions.defaults()
                .withCompression(MaterializeOptions.Compression.parse(stored(raw, ConfigKey.MATERIALIZE_COMPRESSION).asText()))
                .withBackend(MaterializeOptions.Backend.parse(stored(raw, ConfigKey.MATERIALIZE_BACKEND).asText()))
                .withLayout(MaterializeOptions.Layout.parse(stored(raw, ConfigKey.MATERIALIZE_LAYOUT).asText()));
        Map<String, String> caCerts = new LinkedHashMap<>();
        stored(raw, ConfigKey.REGISTRIES_CA_CERTS).forEach(n -> {
            String entry = n.asText();
            int eq = entry.indexOf('=');
            caCerts.put(entry.substring(0, eq), entry.substring(eq + 1));
        });
        return new StoreConfig(policy, budget.isNull() ? -1 : budget.asLong(), concurrency, insecure, materialize, caCerts);
    }

    /** Every key with the value in effect, as {@code shed config get} prints it. */
    public Map<ConfigKey, String> show() throws IOException {
        ObjectNode raw = current();
        Map<ConfigKey, String> out = new LinkedHashMap<>();
        for (ConfigKey k : ConfigKey.values()) out.put(k, k.display(stored(raw, k)));
        return out;
    }

    public boolean isSet(ConfigKey key) throws IOException {
        return current().has(key.key());
    }

    public String get(ConfigKey key) throws IOException {
        return key.display(stored(current(), key));
    }

    public void set(ConfigKey key, String value) throws IOException {
        JsonNode parsed = key.parse(value);
        try (FileLocks.Held ignored = locks.exclusive("config")) {
            ObjectNode raw = read();
            raw.set(key.key(), parsed);
            AtomicFiles.write(file, (Json.pretty(raw) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Returns {@code key} to its default. */
    public void unset(ConfigKey key) throws IOException {
        try (FileLocks.Held ignored = locks.exclusive("config")) {
            ObjectNode raw = read();
            if (raw.remove(key.key()) != null) {
                AtomicFiles.write(file, (Json.pretty(raw) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
    }

    private ObjectNode current() throws IOException {
        return snapshot != null ? snapshot : read();
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) return Json.object();
        return (ObjectNode) Json.parseObject(Files.readAllBytes(file), "config file " + file);
    }

    /** The stored value re-validated through the key's parser, so a hand-edited file fails with a clear message. */
    private JsonNode stored(ObjectNode raw, ConfigKey key) {
        JsonNode v = raw.get(key.key());
        String typed = v == null ? key.defaultValue() : key.display(v);
        try {
            return key.parse(typed);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("config file " + file + ": " + e.getMessage());
        }
    }
}
