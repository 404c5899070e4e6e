package dev.shed.core.lifecycle;

import dev.shed.core.cache.LowerBuilder;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The lower builder of a build without the materializer (dev.shed.core.materialize, issue 5): it reports
 * existing lowers as cached (file and parameter record present) and refuses to build, naming the manifest.
 * Replaced by the materializer once that branch is merged.
 */
public final class UnavailableLowerBuilder implements LowerBuilder {
    private final StoreLayout layout;

    public UnavailableLowerBuilder(StoreLayout layout) {
        this.layout = layout;
    }

    @Override
    public Path build(Digest manifest) throws IOException {
        throw new IOException("cannot materialize the lower of " + manifest + ": this build has no materializer");
    }

    @Override
    public boolean isCurrent(Digest manifest) {
        return Files.isRegularFile(layout.erofsLower(manifest)) && Files.isRegularFile(layout.erofsLowerRecord(manifest));
    }
}
