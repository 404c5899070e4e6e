package dev.shed.core.layer;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/** A layer to read: its descriptor (digest, media type, size) and a way to open its stored (compressed) bytes. */
public record LayerBlob(Descriptor descriptor, Opener opener) {

    /** Opens the compressed blob from the start; may be called more than once (second pass for hardlinks). */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    public Digest digest() {
        return descriptor.digest();
    }

    public InputStream open() throws IOException {
        return opener.open();
    }
}
