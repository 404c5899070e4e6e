package dev.shed.core.layer;

import dev.shed.core.oci.Digest;
import java.io.IOException;

/**
 * A layer is malformed or hostile (path escaping the root, entry below a symlink, truncated stream, link to a
 * missing target). The message names the layer digest and the entry, so the user can find the culprit.
 */
public class LayerFormatException extends IOException {
    public LayerFormatException(Digest layer, String entry, String reason) {
        super(message(layer, entry, reason));
    }

    public LayerFormatException(Digest layer, String entry, String reason, Throwable cause) {
        super(message(layer, entry, reason), cause);
    }

    protected LayerFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    private static String message(Digest layer, String entry, String reason) {
        return "layer " + layer + (entry == null ? "" : " entry '" + EntryPaths.shorten(entry) + "'") + ": " + reason;
    }
}
