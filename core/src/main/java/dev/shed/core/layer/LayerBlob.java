package dev.shed.core.layer;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;

/**
 * A layer to read: its descriptor (digest, media type, size), a way to open its stored (compressed) bytes, and the
 * digest its uncompressed tar must have (the config's {@code rootfs.diff_ids} entry; null when there is none to
 * check, as for a plain archive). {@link LayerReader} checks both digests while it reads.
 */
public record LayerBlob(Descriptor descriptor, Opener opener, Digest diffId) {

    /** Opens the compressed blob from the start; may be called more than once (second pass for hardlinks). */
    @FunctionalInterface
    public interface Opener {
        InputStream open() throws IOException;
    }

    /** A layer whose uncompressed digest is not known: only the blob digest is checked. */
    public LayerBlob(Descriptor descriptor, Opener opener) {
        this(descriptor, opener, null);
    }

    public Digest digest() {
        return descriptor.digest();
    }

    public InputStream open() throws IOException {
        return opener.open();
    }
}
