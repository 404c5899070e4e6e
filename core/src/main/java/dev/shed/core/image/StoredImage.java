package dev.shed.core.image;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Index;
import dev.shed.core.oci.Manifest;
import java.util.List;

/**
 * A resolved image: the name the user gave (normalised, or null when resolved by digest), what it points at,
 * the index if that is one, and the manifests of it that are present in the store.
 */
public record StoredImage(String name, Descriptor target, Index index, List<Manifest> manifests) {
    public StoredImage {
        manifests = List.copyOf(manifests);
    }

    public boolean isIndex() {
        return index != null;
    }

    /** The single manifest of a non-index image, or of an index with exactly one present platform. */
    public Manifest singleManifest() {
        if (manifests.size() != 1) {
            throw new IllegalArgumentException((name == null ? target.digest().toString() : name) + " has "
                    + manifests.size() + " platform manifests in the store; choose one with --platform");
        }
        return manifests.get(0);
    }
}
