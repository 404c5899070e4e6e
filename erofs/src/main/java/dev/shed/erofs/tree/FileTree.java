package dev.shed.erofs.tree;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.format.ErofsFormat;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The namespace being built: paths to {@link Node}s. Entries may arrive in any order; missing
 * parents are created as implicit directories (0755, root-owned, mtime = build time) and take the
 * attributes of a later explicit entry. A later entry for the same path replaces the earlier one;
 * replacing a directory by a non-directory drops its subtree, while re-adding a directory keeps its
 * children and only updates its attributes.
 */
public final class FileTree {
    private final Node root;
    private final long defaultMtime;
    private final Map<XattrSet, XattrSet> internedXattrs = new HashMap<>();
    /**
     * The directory of the last entry put, and its path: entries mostly arrive grouped by directory (tar order, a
     * directory walk), and then the path needs no split and no lookup per component. Dropped when a directory is
     * replaced, since the cached one may be inside the dropped subtree.
     */
    private Node lastDir;
    private String lastDirPath;

    public FileTree(long defaultMtime) {
        this.defaultMtime = defaultMtime;
        this.root = new Node("", null, EntryType.DIRECTORY);
        makeImplicit(root);
    }

    public Node root() {
        return root;
    }

    /** Records the entry and returns its node (fresh, or the existing directory updated in place). */
    public Node put(ErofsEntry e) {
        String path = e.path();
        int slash = path.lastIndexOf('/');
        if (lastDir != null && slash == lastDirPath.length() && path.startsWith(lastDirPath)) {
            String name = path.substring(slash + 1);
            validateComponent(path, name);
            return putChild(lastDir, name, e);
        }
        Node node = putWalking(e);
        if (slash > 0) {
            lastDir = node.parent;
            lastDirPath = path.substring(0, slash);
        }
        return node;
    }

    private Node putWalking(ErofsEntry e) {
        String[] parts = e.path().isEmpty() ? new String[0] : e.path().split("/", -1);
        if (parts.length == 0) {
            if (e.type() != EntryType.DIRECTORY) throw new IllegalArgumentException("the root must be a directory");
            apply(root, e);
            return root;
        }
        // the existing directories along the path were checked when they were made; check the rest before any change
        Node dir = root;
        int known = 0;
        for (Node c; known < parts.length - 1 && (c = dir.children.get(parts[known])) != null && c.isDirectory(); known++) dir = c;
        for (int i = known; i < parts.length; i++) validateComponent(e.path(), parts[i]);
        for (int i = known; i < parts.length - 1; i++) {
            Node child = dir.children.get(parts[i]);
            if (child == null) {
                child = new Node(parts[i], dir, EntryType.DIRECTORY);
                makeImplicit(child);
                dir.children.put(child.name, child);
            } else if (!child.isDirectory()) {
                throw new IllegalArgumentException("parent of " + e.path() + " is not a directory: " + child.path());
            }
            dir = child;
        }
        return putChild(dir, parts[parts.length - 1], e);
    }

    private Node putChild(Node dir, String name, ErofsEntry e) {
        Node existing = dir.children.get(name);
        Node node = existing != null && existing.isDirectory() && e.type() == EntryType.DIRECTORY
                ? existing : new Node(name, dir, e.type());
        if (existing != null && existing.isDirectory() && node != existing) lastDir = null;   // its subtree is gone
        apply(node, e);
        dir.children.put(node.name, node);
        return node;
    }

    private void apply(Node n, ErofsEntry e) {
        n.implicit = false;
        n.permissions = e.permissions() & 07777;
        n.uid = e.uid();
        n.gid = e.gid();
        n.mtime = e.mtimeSeconds();
        n.mtimeNanos = e.mtimeNanos();
        n.size = e.type() == EntryType.FILE ? e.size() : 0;
        n.xattrs = intern(XattrSet.of(e.xattrs()));
        switch (e.type()) {
            case SYMLINK -> {
                byte[] target = e.linkTarget().getBytes(StandardCharsets.UTF_8);
                if (target.length == 0 || target.length >= ErofsFormat.BLOCK_SIZE) {
                    throw new IllegalArgumentException("symlink target must be 1..4095 bytes: " + e.path());
                }
                n.symlinkTarget = target;
                n.size = target.length;
            }
            case HARDLINK -> n.hardlinkTarget = stripSlashes(e.linkTarget());
            case CHAR_DEVICE, BLOCK_DEVICE -> n.rdev = ErofsFormat.encodeDevice(e.devMajor(), e.devMinor());
            default -> { }
        }
    }

    private void makeImplicit(Node dir) {
        dir.implicit = true;
        dir.permissions = 0755;
        dir.mtime = defaultMtime;
        dir.xattrs = intern(XattrSet.of(new java.util.TreeMap<>()));
    }

    private XattrSet intern(XattrSet s) {
        return internedXattrs.computeIfAbsent(s, k -> k);
    }

    /** Follows a hardlink's target path (through further hardlinks) to the inode-owning node. */
    public Node resolveHardlink(Node link) {
        Node n = link;
        for (int hops = 0; n.type == EntryType.HARDLINK; hops++) {
            if (hops > 64) throw new IllegalArgumentException("hardlink loop at " + link.path());
            Node target = lookup(n.hardlinkTarget);
            if (target == null) {
                throw new IllegalArgumentException("hardlink " + link.path() + " names missing target " + n.hardlinkTarget);
            }
            n = target;
        }
        if (n.isDirectory()) {
            throw new IllegalArgumentException("hardlink " + link.path() + " names a directory: " + n.path());
        }
        return n;
    }

    private Node lookup(String path) {
        Node n = root;
        if (path.isEmpty()) return n;
        for (String part : path.split("/")) {
            if (n.children == null) return null;
            n = n.children.get(part);
            if (n == null) return null;
        }
        return n;
    }

    private static String stripSlashes(String p) {
        String s = p;
        while (s.startsWith("/")) s = s.substring(1);
        while (s.startsWith("./")) s = s.substring(2);
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    private static void validateComponent(String path, String part) {
        if (part.isEmpty() || part.equals(".") || part.equals("..") || part.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("invalid path component in " + path);
        }
        // a char is at most 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4): short names need no encoding
        if (part.length() * 3 > ErofsFormat.NAME_MAX && part.getBytes(StandardCharsets.UTF_8).length > ErofsFormat.NAME_MAX) {
            throw new IllegalArgumentException("name longer than 255 bytes in " + path);
        }
    }
}
