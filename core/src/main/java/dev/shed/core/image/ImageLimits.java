package dev.shed.core.image;

import dev.shed.core.oci.Manifest;

/**
 * Limits the seed sets on images shed accepts: at most {@code maxLayers} layers per manifest (MaxLayers=16 by
 * default; every layer costs a materialize step and history noise) and manifests of at most 4 MiB (enforced by
 * {@link Manifest#parse}). Checked on every path that brings an image in: build, load, import and pull.
 */
public record ImageLimits(int maxLayers) {
    public static final int DEFAULT_MAX_LAYERS = 16;
    public static final ImageLimits DEFAULT = new ImageLimits(DEFAULT_MAX_LAYERS);

    public ImageLimits {
        if (maxLayers < 1) throw new IllegalArgumentException("--max-layers must be at least 1, got " + maxLayers);
    }

    /** The default limits, or {@code maxLayers} when the user gave one (null: default). */
    public static ImageLimits of(Integer maxLayers) {
        return maxLayers == null ? DEFAULT : new ImageLimits(maxLayers);
    }

    /** Refuses {@code m} when it has too many layers; {@code what} names the image in the message. */
    public void check(Manifest m, String what) {
        checkLayerCount(m.layers().size(), what + " (manifest " + m.digest() + ")");
    }

    public void checkLayerCount(int layers, String what) {
        if (layers > maxLayers) {
            throw new ImageLimitException(what + " has " + layers + " layers, more than the limit of " + maxLayers
                    + " (MaxLayers); raise it with --max-layers " + layers);
        }
    }

    /** An image exceeds a limit; nothing of it was named. */
    public static final class ImageLimitException extends RuntimeException {
        public ImageLimitException(String message) {
            super(message);
        }
    }
}
