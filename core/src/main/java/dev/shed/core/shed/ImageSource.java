package dev.shed.core.shed;

import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import java.io.IOException;

/**
 * Makes sure an image is in the store and picks the manifest a shed will pin. {@link LocalImageSource} only
 * looks in the store; a registry-backed source (pull when missing) plugs in here. {@code shed create} calls it
 * while holding the store's write session, so a pull it does is protected from prune until the shed pins it.
 */
public interface ImageSource {
    /** The resolved image: how to show it (normalised name or digest) and the manifest to pin. */
    record Resolved(String image, Manifest manifest) {
        public Resolved withImage(String name) {
            return new Resolved(name, manifest);
        }
    }

    Resolved resolve(String ref, Platform platform) throws IOException;
}
