package dev.shed.core.store;

import dev.shed.core.oci.Digest;
import java.nio.file.NoSuchFileException;

/** A blob the caller needs is not in the store. */
public final class BlobNotFoundException extends NoSuchFileException {
    private final Digest digest;

    public BlobNotFoundException(Digest digest) {
        super("blob " + digest + " is not in the store");
        this.digest = digest;
    }

    public Digest digest() {
        return digest;
    }

    @Override
    public String getMessage() {
        return "blob " + digest + " is not in the store";
    }
}
