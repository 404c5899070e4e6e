package dev.shed.core.store;

import java.io.IOException;

/** A blob's bytes do not match the digest or size it was announced with. Nothing was stored. */
public final class BlobMismatchException extends IOException {
    public BlobMismatchException(String message) {
        super(message);
    }
}
