package dev.shed.erofs.layout;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.format.DirectoryBlocks;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.tree.Node;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A directory's dirents in on-disk order: ".", ".." and the children, sorted by unsigned bytes as
 * the kernel's binary search (erofs_dirnamecmp) expects. Built on demand, never kept.
 */
final class DirectoryListing {
    private static final byte[] DOT = {'.'};
    private static final byte[] DOTDOT = {'.', '.'};

    record Item(byte[] name, Node inode) {}

    private DirectoryListing() {}

    static List<Item> of(Node dir) {
        List<Item> items = new ArrayList<>(dir.sortedChildren.length + 2);
        items.add(new Item(DOT, dir));
        items.add(new Item(DOTDOT, dir.parent == null ? dir : dir.parent));
        for (Node c : dir.sortedChildren) items.add(new Item(c.nameBytes, c.resolvedLink != null ? c.resolvedLink : c));
        items.sort((a, b) -> Arrays.compareUnsigned(a.name, b.name));
        return items;
    }

    static int[] nameLengths(List<Item> items) {
        int[] lengths = new int[items.size()];
        for (int i = 0; i < lengths.length; i++) lengths[i] = items.get(i).name.length;
        return lengths;
    }

    static DirectoryBlocks.Dirent dirent(Item item) {
        return new DirectoryBlocks.Dirent(item.name, item.inode.nid, fileType(item.inode.type));
    }

    static int fileType(EntryType t) {
        return switch (t) {
            case FILE -> ErofsFormat.FT_REG_FILE;
            case DIRECTORY -> ErofsFormat.FT_DIR;
            case SYMLINK -> ErofsFormat.FT_SYMLINK;
            case CHAR_DEVICE -> ErofsFormat.FT_CHRDEV;
            case BLOCK_DEVICE -> ErofsFormat.FT_BLKDEV;
            case FIFO -> ErofsFormat.FT_FIFO;
            case SOCKET -> ErofsFormat.FT_SOCK;
            case HARDLINK -> throw new IllegalStateException("unresolved hardlink");
        };
    }

    static int modeBits(EntryType t) {
        return switch (t) {
            case FILE -> ErofsFormat.S_IFREG;
            case DIRECTORY -> ErofsFormat.S_IFDIR;
            case SYMLINK -> ErofsFormat.S_IFLNK;
            case CHAR_DEVICE -> ErofsFormat.S_IFCHR;
            case BLOCK_DEVICE -> ErofsFormat.S_IFBLK;
            case FIFO -> ErofsFormat.S_IFIFO;
            case SOCKET -> ErofsFormat.S_IFSOCK;
            case HARDLINK -> throw new IllegalStateException("unresolved hardlink");
        };
    }
}
