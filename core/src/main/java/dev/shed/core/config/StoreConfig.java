package dev.shed.core.config;

import dev.shed.core.materialize.MaterializeOptions;
import java.util.List;
import java.util.Map;

/**
 * The store's settings (shed/config.json; see {@link ConfigFile} for keys and file format).
 *
 * @param evictionPolicy     {@code eviction.policy}
 * @param cacheBudget        {@code cache.budget}: bytes cache/ may hold under the LRU policy; -1 when unset
 * @param pullConcurrency    {@code pull.concurrency}: parallel blob downloads per pull
 * @param insecureRegistries {@code registries.insecure}: hosts (host[:port]) reached over plain HTTP
 * @param materialize        {@code materialize.compression} and {@code materialize.backend}: how lowers that shed
 *                           create/start build on demand are made (the default level and pcluster size otherwise)
 * @param registryCaCertificates {@code registries.ca-certs}: registry (host[:port]) → absolute path of a PEM CA file
 */
public record StoreConfig(EvictionPolicy evictionPolicy, long cacheBudget, int pullConcurrency,
                          List<String> insecureRegistries, MaterializeOptions materialize, Map<String, String> registryCaCertificates) {
    public static final int DEFAULT_PULL_CONCURRENCY = 3;
    public static final StoreConfig DEFAULTS = new StoreConfig(EvictionPolicy.MANUAL, -1, DEFAULT_PULL_CONCURRENCY, List.of(),
            MaterializeOptions.defaults());

    public StoreConfig {
        insecureRegistries = List.copyOf(insecureRegistries);
        registryCaCertificates = Map.copyOf(registryCaCertificates);
    }

    public StoreConfig(EvictionPolicy evictionPolicy, long cacheBudget, int pullConcurrency, List<String> insecureRegistries,
                       MaterializeOptions materialize) {
        this(evictionPolicy, cacheBudget, pullConcurrency, insecureRegistries, materialize, Map.of());
    }

    public boolean hasBudget() {
        return cacheBudget >= 0;
    }

    public boolean isInsecure(String registryHost) {
        return insecureRegistries.contains(registryHost);
    }
}
