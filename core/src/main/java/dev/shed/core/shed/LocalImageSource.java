package dev.shed.core.shed;

import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.Store;
import java.io.IOException;

/** Resolves names and digests already in the store (ImageNotFoundException otherwise). */
public final class LocalImageSource implements ImageSource {
    private final ImageReader reader;

    public LocalImageSource(Store store) {
        this.reader = new ImageReader(store);
    }

    @Override
    public Resolved resolve(String ref, Platform platform) throws IOException {
        StoredImage img = reader.resolve(ref);
        Manifest m = reader.select(img, platform);
        return new Resolved(img.name() != null ? img.name() : img.target().digest().toString(), m);
    }
}
