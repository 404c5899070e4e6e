package dev.shed.core.shed;

import dev.shed.core.store.StoreLayout;
import java.nio.file.Path;

/**
 * Where a shed's files are: its writable layer (shed/sheds/&lt;name&gt;/upper, with overlayfs's work dir beside
 * it) and its mount points (shed/mounts/&lt;name&gt;/lower for the erofs, shed/mounts/&lt;name&gt;/rootfs for the
 * overlay a VM or a user sees).
 */
public record ShedPaths(Path dataDir, Path upper, Path work, Path mountDir, Path lowerMount, Path rootfs) {
    public static ShedPaths of(StoreLayout layout, String name) {
        Path data = layout.shedsDir().resolve(name);
        Path mounts = layout.mountsDir().resolve(name);
        return new ShedPaths(data, data.resolve("upper"), data.resolve("work"), mounts, mounts.resolve("lower"),
                mounts.resolve("rootfs"));
    }

    /** A {@code vm} shed's writable layer: an ext4 disk image in its upper dir (so snapshots copy it as they are). */
    public Path upperDisk() {
        return upper.resolve("disk.ext4");
    }
}
