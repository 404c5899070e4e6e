package dev.shed.core.materialize;

import dev.shed.core.oci.Digest;
import java.nio.file.Path;
import java.util.List;

/**
 * A manifest's materialized lower: the EROFS image at {@code path} ({@code cache/sha256/<manifest-hex>.erofs}), its
 * size in bytes, and whether this call built it ({@code false}: an existing, current image was reused). For a shared
 * lower, {@code path} is the metadata image and {@code devices} its data devices in mount order (each attached
 * read-only and passed as {@code -o device=…} in this order, or as one more VM disk); empty for a flat lower.
 */
public record Lower(Digest manifest, Path path, long size, boolean built, List<Path> devices) {
    public Lower {
        devices = List.copyOf(devices);
    }

    /** A flat lower: one self-contained image. */
    public Lower(Digest manifest, Path path, long size, boolean built) {
        this(manifest, path, size, built, List.of());
    }

    public boolean shared() {
        return !devices.isEmpty();
    }
}
