package dev.shed.core.cache;

import dev.shed.core.materialize.Lower;
import dev.shed.core.oci.Digest;
import java.io.IOException;

/**
 * Where {@link Lowers} gets a manifest's lower (cache/sha256/&lt;manifest-hex&gt;.erofs) from. In production
 * that is the {@link dev.shed.core.materialize.Materializer} ({@link MaterializerSource}); the seam keeps use
 * tracking and eviction independent of how lowers are made, and lets tests count builds. Implementations build
 * under the exclusive {@code lower-<hex>} lock, so eviction (a try-lock of the same name) never races a build.
 */
public interface LowerSource {
    /** Builds the lower if it is missing or stale; returns it. */
    Lower build(Digest manifest) throws IOException;

    /** Whether the lower exists and was built with the current parameters (a stale one is never served). */
    boolean isCurrent(Digest manifest);
}
