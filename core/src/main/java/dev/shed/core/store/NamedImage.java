package dev.shed.core.store;

import dev.shed.core.oci.Descriptor;

/** A name in the store's index.json and the manifest or index it points at. */
public record NamedImage(String name, Descriptor target) {}
