package dev.shed.erofs.tree;

import dev.shed.erofs.EntryType;
import java.util.HashMap;

/**
 * The writer's compact in-memory record of one path (internal, mutable, single-threaded).
 * It deliberately holds no file data: regular-file bytes live in the data spool and are referenced
 * by offset, so memory per entry stays at roughly 200 bytes plus the name.
 */
public final class Node {
    public final String name;
    public final Node parent;
    public EntryType type;
    public int permissions;
    public long uid, gid, mtime;
    public int mtimeNanos;
    /** File size; for directories computed at layout time. */
    public long size;
    public int rdev;
    /** HARDLINK: in-image path of the target; resolved at close(). */
    public String hardlinkTarget;
    /** SYMLINK: the target bytes (its data). */
    public byte[] symlinkTarget;
    public XattrSet xattrs;
    /** True for directories created only because a descendant named them. */
    public boolean implicit;

    public HashMap<String, Node> children;
    /** Children sorted the way EROFS dirents are sorted, filled at close(). */
    public Node[] sortedChildren;
    public byte[] nameBytes;

    // ---- data in the spool ----
    public long spoolOffset = -1;
    /** True when the spool holds whole zero-padded blocks (compressed or stored pclusters). */
    public boolean spoolBlocks;
    /** Compressed extents ({@code length | STORED_FLAG}), or null for a flat (uncompressed) file. */
    public int[] extents;
    public int spoolBlockCount;
    /** CRC32C of the file data, folded into the content-derived UUID. */
    public long contentCrc;

    // ---- layout, filled at close() ----
    public Node resolvedLink;
    public long nlink;
    public long nid;
    public int ino;
    public boolean extended;
    public int dataLayout;
    public int xattrSize;
    public int inlineSize;
    public int recordSize;
    public long dataBlocks;
    public long firstBlock;

    Node(String name, Node parent, EntryType type) {
        this.name = name;
        this.parent = parent;
        this.type = type;
        if (type == EntryType.DIRECTORY) children = new HashMap<>();
    }

    public boolean isDirectory() {
        return type == EntryType.DIRECTORY;
    }

    public String path() {
        if (parent == null) return "";
        String p = parent.path();
        return p.isEmpty() ? name : p + "/" + name;
    }
}
