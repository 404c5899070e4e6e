package dev.shed.core.materialize;

import dev.shed.core.oci.Digest;
import java.nio.file.Path;

/**
 * A manifest's materialized lower: the EROFS image at {@code path} ({@code cache/sha256/<manifest-hex>.erofs}),
 * its size in bytes, and whether this call built it ({@code false}: an existing, current image was reused).
 */
public record Lower(Digest manifest, Path path, long size, boolean built) {}
