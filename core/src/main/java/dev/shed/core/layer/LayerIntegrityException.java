package dev.shed.core.layer;

import dev.shed.core.oci.Digest;

/**
 * A layer's bytes are not the ones the image names: the stored blob's digest or size differs from its descriptor,
 * or its uncompressed tar differs from the config's {@code rootfs.diff_ids} entry. Whatever was built from it must
 * be thrown away.
 */
public final class LayerIntegrityException extends LayerFormatException {
    private final Digest layer;

    LayerIntegrityException(Digest layer, String reason) {
        super("layer " + layer + ": " + reason, null);
        this.layer = layer;
    }

    private LayerIntegrityException(Digest layer, String message, Throwable cause) {
        super(message, cause);
        this.layer = layer;
    }

    public Digest layer() {
        return layer;
    }

    /** The same failure, prefixed with the image it was found in (e.g. "image NAME (manifest sha256:…)"). */
    public LayerIntegrityException inImage(String image) {
        LayerIntegrityException e = new LayerIntegrityException(layer, image + ": " + getMessage(), getCause());
        for (Throwable s : getSuppressed()) e.addSuppressed(s);
        return e;
    }
}
