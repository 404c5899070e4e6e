package dev.shed.registry;

import dev.shed.registry.http.RetryPolicy;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Knobs of the registry client: hosts allowed over plain HTTP (besides loopback), how many blobs move at once,
 * and how failed requests are retried. The first two default to the store's config file ({@link #from}).
 */
public record RegistryOptions(Set<String> insecureRegistries, int concurrency, RetryPolicy retry) {
    public static final int DEFAULT_CONCURRENCY = 3;

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? Set.of()
                : insecureRegistries.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        if (retry == null) retry = RetryPolicy.DEFAULT;
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(Set.of(), DEFAULT_CONCURRENCY, RetryPolicy.DEFAULT);
    }

    /** The store's settings: {@code pull.concurrency} and {@code registries.insecure}. */
    public static RegistryOptions from(dev.shed.core.config.StoreConfig config) {
        return new RegistryOptions(Set.copyOf(config.insecureRegistries()), config.pullConcurrency(), RetryPolicy.DEFAULT);
    }

    public RegistryOptions withInsecureRegistries(Set<String> hosts) {
        return new RegistryOptions(hosts, concurrency, retry);
    }

    public RegistryOptions withConcurrency(int n) {
        return new RegistryOptions(insecureRegistries, n, retry);
    }

    public RegistryOptions withRetry(RetryPolicy policy) {
        return new RegistryOptions(insecureRegistries, concurrency, policy);
    }
}
