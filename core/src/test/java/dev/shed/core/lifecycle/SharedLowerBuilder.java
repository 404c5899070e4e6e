package dev.shed.core.lifecycle;

import dev.shed.core.cache.LowerSource;
import dev.shed.core.materialize.Lower;
import dev.shed.core.materialize.MaterializeOptions;
import dev.shed.core.materialize.Materializer;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Shared lowers for lifecycle tests, made by the real materializer ({@code materialize.layout = shared}: per
 * layer a data device in cache/layers/sha256, per manifest a metadata image whose device table lists them), with
 * LZ4 so the kernel decompresses pclusters that live on the devices. Counts the builds it did.
 */
public final class SharedLowerBuilder implements LowerSource {
    private final Materializer materializer;
    public final List<Digest> builds = Collections.synchronizedList(new ArrayList<>());

    public SharedLowerBuilder(Store store) {
        this.materializer = new Materializer(store, MaterializeOptions.defaults()
                .withCompression(MaterializeOptions.Compression.LZ4).withLayout(MaterializeOptions.Layout.SHARED), Progress.NONE);
    }

    @Override
    public Lower build(Digest manifest) throws IOException {
        Lower lower = materializer.materialize(manifest);
        if (lower.built()) builds.add(manifest);
        return lower;
    }

    @Override
    public boolean isCurrent(Digest manifest) {
        return materializer.isCurrent(manifest);
    }
}
