package dev.shed.erofs;

import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One filesystem object to put in an image. Immutable.
 *
 * @param path       absolute-in-image path without a leading slash ("" is the root), '/'-separated,
 *                   no "." or ".." components
 * @param type       the kind of object
 * @param permissions permission bits including setuid/setgid/sticky (07777), without file-type bits
 * @param uid        owner (0..2^32-1)
 * @param gid        group (0..2^32-1)
 * @param mtimeSeconds modification time, seconds since the epoch
 * @param mtimeNanos nanoseconds part of the modification time (0..999_999_999)
 * @param size       data size for {@link EntryType#FILE}; 0 otherwise
 * @param linkTarget symlink target (SYMLINK) or the in-image path of the target (HARDLINK); else null
 * @param devMajor   device major number (CHAR_DEVICE/BLOCK_DEVICE)
 * @param devMinor   device minor number (CHAR_DEVICE/BLOCK_DEVICE)
 * @param xattrs     extended attributes by full name ("user.foo", "security.capability"), sorted
 */
public record ErofsEntry(
        String path,
        EntryType type,
        int permissions,
        long uid,
        long gid,
        long mtimeSeconds,
        int mtimeNanos,
        long size,
        String linkTarget,
        int devMajor,
        int devMinor,
        SortedMap<String, byte[]> xattrs) {

    public ErofsEntry {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(type, "type");
        if (path.startsWith("/") || path.endsWith("/") && !path.isEmpty()) {
            throw new IllegalArgumentException("entry path must be relative without trailing slash: " + path);
        }
        if ((type == EntryType.SYMLINK || type == EntryType.HARDLINK) && linkTarget == null) {
            throw new IllegalArgumentException(type + " entry needs a link target: " + path);
        }
        if (type != EntryType.FILE && size != 0) {
            throw new IllegalArgumentException("only regular files carry data: " + path);
        }
        // most entries have none: one shared empty map instead of a TreeMap and a view per entry
        xattrs = xattrs == null || xattrs.isEmpty() ? NO_XATTRS : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
    }

    private static final SortedMap<String, byte[]> NO_XATTRS = java.util.Collections.emptySortedMap();

    /** Convenience builder start for the common fields. */
    public static Builder builder(String path, EntryType type) {
        return new Builder(path, type);
    }

    /** Mutable builder for {@link ErofsEntry}; the entry itself stays immutable. */
    public static final class Builder {
        private final String path;
        private final EntryType type;
        private int permissions = 0644;
        private long uid, gid, mtimeSeconds, size;
        private int mtimeNanos, devMajor, devMinor;
        private String linkTarget;
        /** Made on the first xattr: most entries have none. */
        private SortedMap<String, byte[]> xattrs;

        private Builder(String path, EntryType type) {
            this.path = path;
            this.type = type;
            if (type == EntryType.DIRECTORY) permissions = 0755;
            if (type == EntryType.SYMLINK) permissions = 0777;
        }

        public Builder permissions(int p) { this.permissions = p; return this; }
        public Builder owner(long uid, long gid) { this.uid = uid; this.gid = gid; return this; }
        public Builder mtime(long seconds, int nanos) { this.mtimeSeconds = seconds; this.mtimeNanos = nanos; return this; }
        public Builder size(long size) { this.size = size; return this; }
        public Builder linkTarget(String target) { this.linkTarget = target; return this; }
        public Builder device(int major, int minor) { this.devMajor = major; this.devMinor = minor; return this; }
        public Builder xattr(String name, byte[] value) {
            if (xattrs == null) xattrs = new TreeMap<>();
            xattrs.put(name, value.clone());
            return this;
        }
        public Builder xattrs(Map<String, byte[]> all) { all.forEach(this::xattr); return this; }

        public ErofsEntry build() {
            return new ErofsEntry(path, type, permissions, uid, gid, mtimeSeconds, mtimeNanos, size,
                    linkTarget, devMajor, devMinor, xattrs);
        }
    }
}
