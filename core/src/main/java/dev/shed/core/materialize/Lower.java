package dev.shed.core.materialize;

import dev.shed.core.oci.Digest;
import java.nio.file.Path;
import java.util.List;

/**
 * A manifest's materialized lower: the EROFS image at {@code path} ({@code cache/sha256/<manifest-hex>.erofs}),
 * its size in bytes, and whether this call built it ({@code false}: an existing, current image was reused).
 * A shared lower's image holds only metadata; its file data lives on {@code devices} (the layers' data devices,
 * absolute paths, in the image's device-table order, which is the order of the {@code device=} mount options).
 * A flat lower has no devices.
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
