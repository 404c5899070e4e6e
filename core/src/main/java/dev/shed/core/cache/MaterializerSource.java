package dev.shed.core.cache;

import dev.shed.core.materialize.Lower;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.oci.Digest;
import java.io.IOException;

/** Lowers from the materializer: built lazily, cached, never stale (its parameter record is the cache key). */
public final class MaterializerSource implements LowerSource {
    private final Materializer materializer;

    public MaterializerSource(Materializer materializer) {
        this.materializer = materializer;
    }

    @Override
    public Lower build(Digest manifest) throws IOException {
        return materializer.materialize(manifest);
    }

    @Override
    public boolean isCurrent(Digest manifest) {
        return materializer.isCurrent(manifest);
    }
}
