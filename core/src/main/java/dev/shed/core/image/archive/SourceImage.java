package dev.shed.core.image.archive;

import dev.shed.core.oci.Descriptor;

/** One image offered by an archive: the descriptor of its manifest or index and the name it carries (may be null). */
public record SourceImage(Descriptor target, String name) {}
