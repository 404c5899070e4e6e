package dev.shed.erofs.tree;

import dev.shed.erofs.EntryType;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;

/**
 * The writer's compact in-memory record of one path (internal, mutable, single-threaded).
 * It deliberately holds no file data: regular-file bytes live in the image or the data spool and are
 * referenced by offset, so memory per entry stays at roughly 200 bytes plus the name.
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
    /** The name as stored in dirents (UTF-8); names sort by these bytes, unsigned. */
    public final byte[] nameBytes;

    // ---- file data, recorded as it arrives ----
    /**
     * The file's blocks in the image's front (data) region: compressed or stored pclusters, or the flat file's
     * whole blocks plus its last partial block when that is not inlined. Written straight into the image
     * ({@link #dataInImage}) or into the spool, at {@link #dataOffset}.
     */
    public long frontBlocks;
    public boolean dataInImage;
    public long dataOffset = -1;
    /** Bytes of the file's tail kept in its inode (FLAT_INLINE), decided on arrival; they sit in the spool. */
    public int inlineSize;
    public long tailOffset = -1;
    /** Compressed extents (see LclusterIndex for their encoding), or null for a flat (uncompressed) file. */
    public int[] extents;
    /** CRC32C of the file data, folded into the content-derived UUID. */
    public long contentCrc;
    /**
     * The file's data is on an extra device ({@link #externalDevice}, from block {@link #externalBlock} of it;
     * {@link #frontBlocks} blocks long), not in this image: only its inode, index and inline tail are written here.
     */
    public boolean external;
    public int externalDevice;
    public long externalBlock;
    /**
     * An external file's inline tail ({@link #inlineSize} bytes of this array from {@link #externalTailOffset}, read
     * only), held here rather than in the spool: it arrives from a layer index that is in memory anyway, and a spool
     * round trip cost two syscalls per small file.
     */
    public byte[] externalTail;
    public int externalTailOffset;

    // ---- layout, filled at close() ----
    public Node resolvedLink;
    public long nlink;
    public long nid;
    public int ino;
    public boolean extended;
    public int dataLayout;
    public int xattrSize;
    public int recordSize;
    public long dataBlocks;
    public long firstBlock;

    Node(String name, Node parent, EntryType type) {
        this.name = name;
        this.parent = parent;
        this.nameBytes = name.getBytes(StandardCharsets.UTF_8);
        this.type = type;
        if (type == EntryType.DIRECTORY) children = new HashMap<>();
    }

    /**
     * A regular-file node outside any tree, for writers that place file data without building an image (data
     * devices): carries what data placement needs (size, xattrs for the inline decision).
     */
    public static Node detached(String path, long size, XattrSet xattrs) {
        Node n = new Node(path, null, EntryType.FILE);
        n.size = size;
        n.xattrs = xattrs;
        return n;
    }

    public boolean isDirectory() {
        return type == EntryType.DIRECTORY;
    }

    /**
     * Compares two nodes by where they come in the image: a depth-first walk with each directory's children in
     * name order, a directory before its contents. Distinct nodes for the same path compare equal.
     */
    public static int imageOrder(Node a, Node b) {
        Node[] pa = a.lineage();
        Node[] pb = b.lineage();
        int i = 0;
        while (i < pa.length && i < pb.length && pa[i] == pb[i]) i++;
        if (i == pa.length || i == pb.length) return Integer.compare(pa.length, pb.length);
        return java.util.Arrays.compareUnsigned(pa[i].nameBytes, pb[i].nameBytes);
    }

    /** The nodes from the root down to this one. */
    private Node[] lineage() {
        int depth = 0;
        for (Node n = this; n != null; n = n.parent) depth++;
        Node[] chain = new Node[depth];
        for (Node n = this; n != null; n = n.parent) chain[--depth] = n;
        return chain;
    }

    public String path() {
        if (parent == null) return name;   // the root's name is ""; a detached node's is its path
        String p = parent.path();
        return p.isEmpty() ? name : p + "/" + name;
    }
}
