package dev.shed.registry.push;

import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Reference;

/** A finished push: where it went, the digest the registry now serves, and how much was uploaded/mounted. */
public record PushResult(Reference destination, Descriptor target, long bytesUploaded, int blobsUploaded, int blobsMounted,
                         int blobsSkipped) {}
