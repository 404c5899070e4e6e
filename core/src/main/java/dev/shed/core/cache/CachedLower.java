package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A lower file in cache/sha256/: the erofs of a manifest, or a legacy per-layer .ext4 of shed v0.5.0.
 *
 * @param digest   the manifest (erofs) or layer (ext4) digest the file is named after
 * @param bytes    the file's size plus its parameter record, if any (not its data devices: those may be shared)
 * @param lastUsed last materialize/create/start (the usage record, else the file's mtime)
 * @param devices  the data devices its record lists (absolute, mount order); empty for a flat lower
 */
public record CachedLower(Kind kind, Digest digest, Path path, long bytes, Instant lastUsed, List<Path> devices) {
    public enum Kind { EROFS, LEGACY_EXT4 }

    public CachedLower {
        devices = List.copyOf(devices);
    }
}
