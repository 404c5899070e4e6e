package dev.shed.registry.pull;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import java.util.List;

/**
 * A finished pull: the name written to the store, what it points at (manifest or index), the platform
 * manifests stored, and how many bytes came over the network (0 when everything was already present).
 */
public record PullResult(String name, Descriptor target, List<Digest> manifests, long bytesDownloaded, int blobsDownloaded) {
    public PullResult {
        manifests = List.copyOf(manifests);
    }
}
