package dev.shed.core.image;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import java.util.List;

/**
 * What an image config must be before shed stores the image (archive import, build, load, pull): a JSON object
 * whose {@code rootfs.diff_ids} lists one sha256 digest per layer, an uncompressed layer's being its own digest.
 * Compressed layers' diff_ids need a full inflate and are checked when the layers are read (materialize, export).
 * A config of another media type (an artifact, not an image) is not an image config and is left alone.
 */
public final class ConfigCheck {
    private ConfigCheck() {}

    /**
     * @param raw  the config's bytes (already checked against its digest)
     * @param m    the manifest naming it
     * @param what the image, for the message
     * @return the parsed config, or null for a non-image config
     * @throws IllegalArgumentException naming image, config and field when the config is unusable
     */
    public static ImageConfig check(byte[] raw, Manifest m, String what) {
        String mt = m.config().mediaType();
        if (!MediaType.OCI_CONFIG.equals(mt) && !MediaType.DOCKER_CONFIG.equals(mt)) return null;
        String where = what + ": config " + m.config().digest();
        ImageConfig c = ImageConfig.parse(raw, where); // not JSON, not an object: IllegalArgumentException naming it
        List<String> ids = c.diffIds();
        if (ids.size() != m.layers().size()) {
            throw new IllegalArgumentException(where + ": rootfs.diff_ids lists " + ids.size() + " layers, the manifest " + m.layers().size());
        }
        for (int i = 0; i < ids.size(); i++) {
            Digest id;
            try {
                id = Digest.parse(ids.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": rootfs.diff_ids[" + i + "] is not a sha256 digest: '" + ids.get(i) + "'");
            }
            Descriptor l = m.layers().get(i);
            if (isUncompressed(l.mediaType()) && !id.equals(l.digest())) {
                throw new IllegalArgumentException(where + ": rootfs.diff_ids[" + i + "] is " + id + ", but uncompressed layer "
                        + l.digest() + " must have its own digest there");
            }
        }
        return c;
    }

    private static boolean isUncompressed(String layerMediaType) {
        try {
            return MediaType.layerCompression(layerMediaType) == MediaType.Compression.NONE;
        } catch (IllegalArgumentException e) {
            return false; // not a layer shed reads: the materializer names it
        }
    }
}
