package dev.shed.core.vm.harness;

import java.util.Map;
import java.util.TreeMap;

/**
 * One filesystem entry as the harness compares it: the same fields whether it was listed inside the guest or
 * computed from the layer tars.
 *
 * @param path      image path without leading slash ("" is the root)
 * @param type      'f' regular, 'd' directory, 'l' symlink, 'c'/'b' char/block device, 'p' fifo, 's' socket
 * @param mode      permission bits (07777)
 * @param size      bytes of a regular file or of a symlink's target; ignored for other types
 * @param mtimeNanos modification time in nanoseconds since the epoch
 * @param link      symlink target, else null
 * @param xattrs    extended attributes, name → hex value
 * @param sha256    hex digest of a regular file's content, else null
 * @param inode     the guest's inode number (0 when computed): tells hardlinks apart
 * @param described false for directories no layer has an entry for (the writer chose their metadata)
 */
public record TreeEntry(String path, char type, int mode, long uid, long gid, long size, long mtimeNanos, String link,
                        int major, int minor, Map<String, String> xattrs, String sha256, long inode, boolean described) {
    public TreeEntry {
        xattrs = new TreeMap<>(xattrs);
    }

    static TreeEntry implied(String path) {
        return new TreeEntry(path, 'd', 0, 0, 0, 0, 0, null, 0, 0, Map.of(), null, 0, false);
    }

    TreeEntry at(String otherPath) {
        return new TreeEntry(otherPath, type, mode, uid, gid, size, mtimeNanos, link, major, minor, xattrs, sha256, inode, described);
    }
}
