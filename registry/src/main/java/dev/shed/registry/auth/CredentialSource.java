package dev.shed.registry.auth;

import java.io.IOException;
import java.util.Optional;

/** Finds credentials for a registry name ({@code docker.io}, {@code ghcr.io}, {@code host:5000}). */
@FunctionalInterface
public interface CredentialSource {
    Optional<Credentials> lookup(String registry) throws IOException;

    CredentialSource ANONYMOUS = registry -> Optional.empty();

    /** Fixed credentials for every registry (from {@code --username/--password-stdin}). */
    static CredentialSource fixed(Credentials c) {
        return registry -> Optional.of(c);
    }

    /** This source, else {@code next}. */
    default CredentialSource orElse(CredentialSource next) {
        return registry -> {
            Optional<Credentials> c = lookup(registry);
            return c.isPresent() ? c : next.lookup(registry);
        };
    }
}
