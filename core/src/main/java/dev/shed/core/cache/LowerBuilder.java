package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds a manifest's lower, cache/sha256/&lt;manifest-hex&gt;.erofs. The production implementation is the
 * materializer; the seam exists so {@link Lowers} (use tracking, eviction) stays independent of how lowers are
 * made. Implementations build under the exclusive {@code lower-<hex>} lock, so eviction never races a build.
 */
public interface LowerBuilder {
    /** Builds the lower if it is missing or stale and returns its path. */
    Path build(Digest manifest) throws IOException;

    /** Whether the lower exists and was built with the current parameters (a stale one is never served). */
    boolean isCurrent(Digest manifest);
}
