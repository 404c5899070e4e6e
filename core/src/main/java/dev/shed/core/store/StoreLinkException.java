package dev.shed.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A symlink where the store expects its own directory or file ({@code shed/tmp}, {@code blobs/sha256/<hex>},
 * {@code shed/usage/<hex>}). Shed never follows one: deleting, writing or touching through it would act on
 * whatever it points at, outside the store.
 */
public final class StoreLinkException extends IOException {
    public StoreLinkException(String message) {
        super(message);
    }

    public static StoreLinkException of(Path link) {
        return new StoreLinkException("store path " + link + " is a symbolic link" + target(link)
                + "; shed does not follow links inside its store: replace it with a real directory or file "
                + "(to keep the store elsewhere, move or link the whole root)");
    }

    /** " (to TARGET)", or nothing when the link is gone or unreadable. */
    static String target(Path link) {
        try {
            return " (to " + Files.readSymbolicLink(link) + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }
}
