package dev.shed.registry;

import dev.shed.registry.http.RetryPolicy;
import dev.shed.registry.tls.TlsTrust;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Knobs of the registry client: hosts allowed over plain HTTP (besides loopback), how many blobs move at once, how
 * failed requests are retried, and which CAs are trusted beyond the system's. All but the retry policy default to
 * the store's config file ({@link #from}).
 */
public record RegistryOptions(Set<String> insecureRegistries, int concurrency, RetryPolicy retry, TlsTrust tls) {
    public static final int DEFAULT_CONCURRENCY = 3;

    public RegistryOptions {
        insecureRegistries = insecureRegistries == null ? Set.of()
                : insecureRegistries.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        if (retry == null) retry = RetryPolicy.DEFAULT;
        if (tls == null) tls = TlsTrust.SYSTEM;
    }

    public static RegistryOptions defaults() {
        return new RegistryOptions(Set.of(), DEFAULT_CONCURRENCY, RetryPolicy.DEFAULT, TlsTrust.SYSTEM);
    }

    /** The store's settings: {@code pull.concurrency}, {@code registries.insecure}, {@code registries.ca-certs}. */
    public static RegistryOptions from(dev.shed.core.config.StoreConfig config) {
        Map<String, Path> cas = config.registryCaCertificates().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> Path.of(e.getValue())));
        return new RegistryOptions(Set.copyOf(config.insecureRegistries()), config.pullConcurrency(), RetryPolicy.DEFAULT,
                new TlsTrust(List.of(), cas));
    }

    public RegistryOptions withInsecureRegistries(Set<String> hosts) {
        return new RegistryOptions(hosts, concurrency, retry, tls);
    }

    public RegistryOptions withConcurrency(int n) {
        return new RegistryOptions(insecureRegistries, n, retry, tls);
    }

    public RegistryOptions withRetry(RetryPolicy policy) {
        return new RegistryOptions(insecureRegistries, concurrency, policy, tls);
    }

    /** CA files (PEM) trusted for this operation's registry, in addition to the system's and the configured ones. */
    public RegistryOptions withCaFiles(List<Path> files) {
        return new RegistryOptions(insecureRegistries, concurrency, retry, tls.withCaFiles(files));
    }
}
