package dev.shed.core.gc;

/**
 * What {@code shed image prune} may remove.
 *
 * @param all        also remove named images no shed or snapshot uses (docker's {@code image prune -a})
 * @param cacheOnly  touch only cache/: lowers of manifests nothing names or pins (seed: "evict orphaned
 *                   flattened erofs without touching layer blobs"), legacy .ext4 of layers nothing references
 * @param layerCache touch only cache/: every lower with refcount zero (no shed or snapshot pins it; seed §3
 *                   Option C), and every legacy .ext4 (nothing in this version mounts one)
 */
public record PruneOptions(boolean all, boolean cacheOnly, boolean layerCache) {
    public static final PruneOptions DEFAULT = new PruneOptions(false, false, false);

    public PruneOptions {
        if (all && (cacheOnly || layerCache)) {
            throw new IllegalArgumentException("--all removes images and cannot be combined with --cache-only or --layer-cache");
        }
    }

    /** Only cache/ is touched: no names, no blobs, no temp files outside cache/. */
    public boolean cacheScope() {
        return cacheOnly || layerCache;
    }

    public String describe() {
        if (all) return "--all";
        if (layerCache) return "--layer-cache";
        if (cacheOnly) return "--cache-only";
        return "default";
    }
}
