package dev.shed.core.gc;

import java.nio.file.Path;

/**
 * One thing prune removes (or, dry-run, would remove).
 *
 * @param what  a name, digest or path, as printed
 * @param path  the file or directory (null for a name)
 * @param bytes apparent bytes given back (0 for a name)
 */
public record PruneItem(Kind kind, String what, Path path, long bytes) {
    public enum Kind {
        /** A named image (--all only). */
        IMAGE_NAME("untagged"),
        /** A blob nothing reaches: layers, configs, dangling manifests and indexes. */
        BLOB("deleted"),
        /** A cached erofs lower (and its parameter record). */
        LOWER("evicted lower"),
        /** A layer's data device (and its index) that no remaining lower uses. */
        DEVICE("removed data device"),
        /** A legacy per-layer ext4 cache file of shed v0.5.0. */
        LEGACY_EXT4("evicted legacy ext4"),
        /** An abandoned ingest/tmp file, a crash leftover, a shed or snapshot dir without record. */
        TEMP("removed");

        private final String verb;

        Kind(String verb) {
            this.verb = verb;
        }

        public String verb() {
            return verb;
        }
    }
}
