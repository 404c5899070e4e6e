package dev.shed.erofs.layout;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsImageStats;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.data.DataSpool;
import dev.shed.erofs.format.DirectoryBlocks;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.format.InodeHeader;
import dev.shed.erofs.format.LclusterIndex;
import dev.shed.erofs.format.SuperBlock;
import dev.shed.erofs.tree.FileTree;
import dev.shed.erofs.tree.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * Lays out and writes the image once every entry is known. The image is written front to back:
 *
 * <pre>
 * block 0      : zeros, superblock at 1024 (written last), then inodes from byte 1152 (root nid 36)
 * metadata     : inode records, packed into blocks best-fit (see MetadataPacker); meta_blkaddr = 0. Each record is the
 *                inode, its xattr ibody, then either its inline tail (FLAT_INLINE) or its
 *                z_erofs_map_header + lcluster indexes (COMPRESSED_COMPACT, or COMPRESSED_FULL when
 *                compact indexes are off). A record that fits a
 *                block never straddles one, as the kernel requires of inline data.
 * shared xattrs: block-aligned (xattr_blkaddr), only when some xattr is shared
 * data         : block-aligned, per inode in the same order: directory blocks, file blocks copied
 *                from the spool (compressed pclusters or plain blocks), non-inline tails padded.
 * </pre>
 *
 * Because everything is placed by sorted path, never by arrival order, the same entries give the
 * same bytes in any add order.
 */
public final class ImageBuilder {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private static final long FIRST_INODE_OFFSET = ErofsFormat.SUPER_OFFSET + ErofsFormat.SUPER_SIZE;

    private final FileTree tree;
    private final ErofsOptions options;
    private final DataSpool spool;
    private final List<Node> inodes = new ArrayList<>();
    private long extraLinks;

    public ImageBuilder(FileTree tree, ErofsOptions options, DataSpool spool) {
        this.tree = tree;
        this.options = options;
        this.spool = spool;
    }

    public ErofsImageStats writeTo(FileChannel channel) throws IOException {
        collect(tree.root());
        for (Node n : inodes) n.children = null;   // lookups are done; frees the maps during layout
        XattrLayout xattrs = new XattrLayout(inodes);
        for (Node n : inodes) planRecord(n, xattrs);

        MetadataPacker packer = new MetadataPacker(FIRST_INODE_OFFSET);
        long recordBytes = 0;
        for (int i = 0; i < inodes.size(); i++) {
            Node n = inodes.get(i);
            n.nid = packer.place(n.recordSize) >>> ErofsFormat.INODE_SLOT_BITS;
            n.ino = i + 1;
            recordBytes += n.recordSize;
        }
        long metaEnd = packer.end();
        long xattrBlock = xattrs.sharedAreaBytes() == 0 ? 0 : ErofsFormat.blocksFor(metaEnd);
        long dataStart = xattrs.sharedAreaBytes() == 0 ? ErofsFormat.blocksFor(metaEnd)
                : xattrBlock + ErofsFormat.blocksFor(xattrs.sharedAreaBytes());
        long nextBlock = dataStart;
        for (Node n : inodes) {
            n.firstBlock = n.dataBlocks == 0 ? 0 : nextBlock;
            nextBlock += n.dataBlocks;
        }

        ImageOutput out = new ImageOutput(channel);
        Node[] byNid = inodes.toArray(new Node[0]);
        Arrays.sort(byNid, (a, b) -> Long.compare(a.nid, b.nid));
        for (Node n : byNid) {
            out.padTo(n.nid << ErofsFormat.INODE_SLOT_BITS);
            out.write(encodeRecord(n, xattrs));
        }
        if (xattrBlock != 0) {
            out.padTo(xattrBlock * BLOCK);
            xattrs.writeSharedArea(out);
        }
        out.padTo(dataStart * BLOCK);
        for (Node n : inodes) writeData(out, n);
        out.padTo(nextBlock * BLOCK);
        out.flush();
        channel.truncate(nextBlock * BLOCK);

        byte[] uuid = options.uuid().orElseGet(() -> uuidFrom(out.digest()));
        boolean compressed = inodes.stream().anyMatch(n -> n.extents != null);
        SuperBlock sb = new SuperBlock(ErofsFormat.FEATURE_COMPAT_MTIME,
                compressed ? ErofsFormat.FEATURE_INCOMPAT_ZERO_PADDING : 0,
                (int) tree.root().nid, inodes.size(), options.buildTime(), 0, nextBlock, 0, xattrBlock, uuid);
        ByteBuffer sbBytes = sb.encode();
        while (sbBytes.hasRemaining()) channel.write(sbBytes, ErofsFormat.SUPER_OFFSET + sbBytes.position());
        return stats(recordBytes, xattrs.sharedAreaBytes(), nextBlock - dataStart, nextBlock * BLOCK, uuid);
    }

    /** Depth-first, name-sorted walk: fixes inode order, resolves hardlinks, counts links. */
    private void collect(Node dir) {
        inodes.add(dir);
        Node[] children = dir.children.values().toArray(new Node[0]);
        for (Node c : children) c.nameBytes = DirectoryListing.nameBytes(c);
        Arrays.sort(children, (a, b) -> Arrays.compareUnsigned(a.nameBytes, b.nameBytes));
        dir.sortedChildren = children;
        dir.nlink = 2;
        for (Node c : children) {
            if (c.isDirectory()) dir.nlink++;
        }
        for (Node c : children) {
            if (c.type == EntryType.HARDLINK) {
                c.resolvedLink = tree.resolveHardlink(c);
                c.resolvedLink.nlink++;
                extraLinks++;
            } else if (c.isDirectory()) {
                collect(c);
            } else {
                c.nlink++;
                inodes.add(c);
            }
        }
    }

    private void planRecord(Node n, XattrLayout xattrs) {
        n.xattrSize = xattrs.ibodySize(n.xattrs);
        long inlineCandidate = 0;
        switch (n.type) {
            case DIRECTORY -> {
                List<DirectoryListing.Item> items = DirectoryListing.of(n);
                int[] lengths = DirectoryListing.nameLengths(items);
                int[] counts = DirectoryBlocks.split(lengths);
                int lastUsed = DirectoryBlocks.usedBytes(lengths, lengths.length - counts[counts.length - 1],
                        counts[counts.length - 1]);
                n.size = (long) (counts.length - 1) * BLOCK + lastUsed;
                inlineCandidate = lastUsed;
            }
            case FILE -> inlineCandidate = n.spoolBlocks ? 0 : n.size % BLOCK;
            case SYMLINK -> inlineCandidate = n.size;
            default -> { }
        }
        n.extended = InodeHeader.needsExtended(n.uid, n.gid, n.nlink, n.size, n.mtime, n.mtimeNanos,
                options.buildTime(), 0);
        int isize = n.extended ? ErofsFormat.EXTENDED_INODE_SIZE : ErofsFormat.COMPACT_INODE_SIZE;
        int base = isize + n.xattrSize;
        if (n.extents != null && options.compactIndexes()) {
            // Records start on 32-byte slots, so ebase % 32 is known before placement.
            int ebase = align(base, 8) + ErofsFormat.MAP_HEADER_SIZE;
            n.dataLayout = ErofsFormat.LAYOUT_COMPRESSED_COMPACT;
            n.recordSize = ebase + LclusterIndex.compactBytes(n.size, ebase % 32);
            n.dataBlocks = n.spoolBlockCount;
        } else if (n.extents != null) {
            n.dataLayout = ErofsFormat.LAYOUT_COMPRESSED_FULL;
            n.recordSize = align(base, 8) + ErofsFormat.MAP_HEADER_AND_PADDING + LclusterIndex.fullBytes(n.size);
            n.dataBlocks = n.spoolBlockCount;
        } else if (inlineCandidate > 0 && base + inlineCandidate <= BLOCK) {
            n.dataLayout = ErofsFormat.LAYOUT_FLAT_INLINE;
            n.inlineSize = (int) inlineCandidate;
            n.recordSize = base + n.inlineSize;
            n.dataBlocks = n.size / BLOCK;
        } else {
            n.dataLayout = ErofsFormat.LAYOUT_FLAT_PLAIN;
            n.recordSize = base;
            n.dataBlocks = ErofsFormat.blocksFor(n.size);
        }
    }

    private ByteBuffer encodeRecord(Node n, XattrLayout xattrs) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n.recordSize).order(ByteOrder.LITTLE_ENDIAN);
        int iu = switch (n.type) {
            case CHAR_DEVICE, BLOCK_DEVICE -> n.rdev;
            case FIFO, SOCKET -> 0;
            default -> n.extents != null ? n.spoolBlockCount : (int) n.firstBlock;
        };
        new InodeHeader(n.extended, n.dataLayout, XattrLayout.icount(n.xattrSize),
                DirectoryListing.modeBits(n.type) | n.permissions, n.nlink, n.size, iu, n.ino,
                n.uid, n.gid, n.mtime, n.mtimeNanos).writeTo(b);
        xattrs.writeIbody(b, n.xattrs);
        if (n.dataLayout == ErofsFormat.LAYOUT_FLAT_INLINE) {
            switch (n.type) {
                case FILE -> spool.read(n.spoolOffset + n.size - n.inlineSize, b.slice(b.position(), n.inlineSize));
                case SYMLINK -> b.put(n.symlinkTarget);
                case DIRECTORY -> writeDirectoryBlocks(n, null, b);
                default -> throw new IllegalStateException("inline data on " + n.type);
            }
        } else if (n.dataLayout == ErofsFormat.LAYOUT_COMPRESSED_FULL) {
            // map header (all zero: LZ4, 4 KiB lclusters, no advise bits) and legacy padding
            b.position(align(b.position(), 8) + ErofsFormat.MAP_HEADER_AND_PADDING);
            LclusterIndex.writeFull(b, n.size, n.extents, n.firstBlock);
        } else if (n.dataLayout == ErofsFormat.LAYOUT_COMPRESSED_COMPACT) {
            // map header: h_reserved1 (4), h_advise (2) = COMPACTED_2B, algorithm 0 = LZ4, clusterbits 0 = 4 KiB
            int header = align(b.position(), 8);
            b.putShort(header + 4, (short) LclusterIndex.ADVISE_COMPACTED_2B);
            b.position(header + ErofsFormat.MAP_HEADER_SIZE);
            LclusterIndex.writeCompact(b, n.size, n.extents, n.firstBlock);
        }
        return b.clear();
    }

    private void writeData(ImageOutput out, Node n) throws IOException {
        if (n.dataBlocks == 0) return;
        switch (n.type) {
            case DIRECTORY -> writeDirectoryBlocks(n, out, null);
            case SYMLINK -> {
                out.write(ByteBuffer.wrap(n.symlinkTarget));
                out.padTo(align(out.position(), BLOCK));
            }
            case FILE -> {
                if (n.spoolBlocks) {
                    out.copyFromSpool(spool, n.spoolOffset, (long) n.spoolBlockCount * BLOCK, n.contentCrc);
                } else {
                    long bytes = n.size - n.inlineSize;
                    out.copyFromSpool(spool, n.spoolOffset, bytes, n.contentCrc);
                    out.padTo(align(out.position(), BLOCK));
                }
            }
            default -> throw new IllegalStateException("data blocks on " + n.type);
        }
    }

    /**
     * Emits a directory's blocks: the full blocks to {@code out} (padded), and the last one either to
     * {@code out} too (FLAT_PLAIN) or into {@code inline} (FLAT_INLINE). Pass null for the part not
     * wanted now.
     */
    private static void writeDirectoryBlocks(Node dir, ImageOutput out, ByteBuffer inline) throws IOException {
        List<DirectoryListing.Item> items = DirectoryListing.of(dir);
        int[] counts = DirectoryBlocks.split(DirectoryListing.nameLengths(items));
        int from = 0;
        for (int blk = 0; blk < counts.length; blk++) {
            List<DirectoryBlocks.Dirent> dirents = new ArrayList<>(counts[blk]);
            for (int i = from; i < from + counts[blk]; i++) dirents.add(DirectoryListing.dirent(items.get(i)));
            from += counts[blk];
            boolean last = blk == counts.length - 1;
            if (last && dir.dataLayout == ErofsFormat.LAYOUT_FLAT_INLINE) {
                if (inline != null) DirectoryBlocks.writeBlock(inline, dirents);
            } else if (out != null) {
                ByteBuffer block = ByteBuffer.allocate(BLOCK).order(ByteOrder.LITTLE_ENDIAN);
                DirectoryBlocks.writeBlock(block, dirents);
                out.write(block.clear());
            }
        }
    }

    private ErofsImageStats stats(long recordBytes, int sharedXattrBytes, long dataBlocks, long imageBytes, byte[] uuid) {
        long dirs = 0, files = 0, compressed = 0, fileBytes = 0;
        for (Node n : inodes) {
            if (n.isDirectory()) dirs++;
            if (n.type == EntryType.FILE) {
                files++;
                fileBytes += n.size;
                if (n.extents != null) compressed++;
            }
        }
        return new ErofsImageStats(inodes.size(), dirs, files, compressed, extraLinks, fileBytes,
                recordBytes + sharedXattrBytes, dataBlocks, imageBytes, formatUuid(uuid));
    }

    private static byte[] uuidFrom(byte[] digest) {
        byte[] u = Arrays.copyOf(digest, 16);
        u[6] = (byte) (u[6] & 0x0f | 0x50);   // name-based (v5-style) version nibble
        u[8] = (byte) (u[8] & 0x3f | 0x80);   // RFC 4122 variant
        return u;
    }

    private static String formatUuid(byte[] u) {
        String h = HexFormat.of().formatHex(u);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20);
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }

    private static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }
}
