package dev.shed.erofs.layout;

import dev.shed.erofs.DeviceSlot;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsImageStats;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.data.DataSpool;
import dev.shed.erofs.data.FrontRegion;
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
 * Lays out and finishes the image once every entry is known:
 *
 * <pre>
 * block 0      : superblock at 1024 (written last), otherwise zero
 * front        : regular-file data from block 1, each file block-aligned, in image order (depth-first, names
 *                sorted): compressed pclusters, or a flat file's blocks (its last partial block zero-padded unless
 *                inlined). Usually already in place (see FrontRegion); else copied from the spool here.
 * metadata     : meta_blkaddr = the block after the front. Inode records, packed into blocks best-fit (see
 *                MetadataPacker) from slot 1, so no inode gets nid 0. Each record is the inode, its xattr ibody,
 *                then either its inline data (FLAT_INLINE) or its z_erofs_map_header + lcluster indexes
 *                (COMPRESSED_COMPACT, or COMPRESSED_FULL when compact indexes are off). A record that fits a
 *                block never straddles one, as the kernel requires of inline data.
 * shared xattrs: block-aligned (xattr_blkaddr), only when some xattr is shared
 * late data    : block-aligned, in image order: directory blocks and symlink targets that are not inline.
 * </pre>
 *
 * Because everything is placed by sorted path, never by arrival order, the same entries give the
 * same bytes in any add order.
 */
public final class ImageBuilder {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    /** Slot 0 of the metadata area stays empty: some readers take nid 0 to mean "no inode". */
    private static final long FIRST_RECORD_OFFSET = 1 << ErofsFormat.INODE_SLOT_BITS;

    private final FileTree tree;
    private final ErofsOptions options;
    private final FrontRegion front;
    private final DataSpool spool;
    private final List<DeviceSlot> devices;
    private final List<Node> inodes = new ArrayList<>();
    private long extraLinks;

    public ImageBuilder(FileTree tree, ErofsOptions options, FrontRegion front, DataSpool spool, List<DeviceSlot> devices) {
        this.devices = List.copyOf(devices);
        this.tree = tree;
        this.options = options;
        this.front = front;
        this.spool = spool;
    }

    public ErofsImageStats writeTo(FileChannel channel) throws IOException {
        collect(tree.root());
        for (Node n : inodes) n.children = null;   // lookups are done; frees the maps during layout

        List<Node> files = inodes.stream().filter(n -> n.type == EntryType.FILE && n.frontBlocks > 0 && !n.external).toList();
        long next = FrontRegion.FIRST_BLOCK;
        boolean inPlace = front.inOrder();
        for (Node n : files) {
            n.firstBlock = next;
            inPlace &= n.dataInImage && n.dataOffset == next * BLOCK;
            next += n.frontBlocks;
        }
        long tableBlock = next;
        long metaBlock = tableBlock + ErofsFormat.blocksFor((long) devices.size() * ErofsFormat.DEVICE_SLOT_SIZE);
        if (!inPlace) moveFrontToSpool();

        XattrLayout xattrs = new XattrLayout(inodes);
        for (Node n : inodes) planRecord(n, xattrs);
        MetadataPacker packer = new MetadataPacker(FIRST_RECORD_OFFSET);
        long recordBytes = 0;
        for (int i = 0; i < inodes.size(); i++) {
            Node n = inodes.get(i);
            n.nid = packer.place(n.recordSize) >>> ErofsFormat.INODE_SLOT_BITS;
            n.ino = i + 1;
            recordBytes += n.recordSize;
        }
        long metaEnd = metaBlock + packer.end() / BLOCK;
        long xattrBlock = xattrs.sharedAreaBytes() == 0 ? 0 : metaEnd;
        long lateStart = metaEnd + ErofsFormat.blocksFor(xattrs.sharedAreaBytes());
        long end = lateStart;
        for (Node n : inodes) {
            if (n.type == EntryType.DIRECTORY || n.type == EntryType.SYMLINK) {
                n.firstBlock = n.dataBlocks == 0 ? 0 : end;
                end += n.dataBlocks;
            }
        }
        long[] mapped = placeDevices(end);

        ImageOutput out = new ImageOutput(channel, (inPlace ? tableBlock : FrontRegion.FIRST_BLOCK) * BLOCK,
                options.uuid().isEmpty());
        for (Node n : files) {
            long bytes = frontBytes(n);
            out.digestCopied(n.contentCrc, bytes);
            if (!inPlace) {
                out.copyFromSpool(spool, n.dataOffset, bytes);
                out.padDataTo(align(out.position(), BLOCK));
            }
        }
        if (!devices.isEmpty()) {
            out.padTo(tableBlock * BLOCK);
            out.write(deviceTable(mapped));
        }
        Node[] byNid = inodes.toArray(new Node[0]);
        Arrays.sort(byNid, (a, b) -> Long.compare(a.nid, b.nid));
        for (Node n : byNid) {
            out.padTo(metaBlock * BLOCK + (n.nid << ErofsFormat.INODE_SLOT_BITS));
            out.write(encodeRecord(n, xattrs));
        }
        if (xattrBlock != 0) {
            out.padTo(xattrBlock * BLOCK);
            xattrs.writeSharedArea(out);
        }
        out.padTo(lateStart * BLOCK);
        for (Node n : inodes) writeLateData(out, n);
        out.padTo(end * BLOCK);
        out.flush();
        front.awaitFlush();
        channel.truncate(end * BLOCK);

        byte[] uuid = options.uuid().orElseGet(() -> uuidFrom(out.digest()));
        boolean compressed = inodes.stream().anyMatch(n -> n.extents != null);
        long slotOffset = tableBlock * BLOCK / ErofsFormat.DEVICE_SLOT_SIZE;
        if (!devices.isEmpty() && slotOffset > 0xffff) {
            throw new IllegalStateException("device table at block " + tableBlock + " is past what devt_slotoff can address");
        }
        SuperBlock sb = new SuperBlock(ErofsFormat.FEATURE_COMPAT_MTIME,
                (compressed ? ErofsFormat.FEATURE_INCOMPAT_ZERO_PADDING : 0)
                        | (devices.isEmpty() ? 0 : ErofsFormat.FEATURE_INCOMPAT_DEVICE_TABLE),
                (int) tree.root().nid, inodes.size(), options.buildTime(), 0, end, metaBlock, xattrBlock, uuid,
                compressed && options.bigPclusters() ? options.pclusterSize() / BLOCK : 1,
                devices.size(), devices.isEmpty() ? 0 : (int) slotOffset);
        ByteBuffer sbBytes = sb.encode();
        while (sbBytes.hasRemaining()) channel.write(sbBytes, ErofsFormat.SUPER_OFFSET + sbBytes.position());
        long dataBlocks = (tableBlock - FrontRegion.FIRST_BLOCK) + (end - lateStart);
        return stats(recordBytes, xattrs.sharedAreaBytes(), dataBlocks, end * BLOCK, uuid);
    }

    /**
     * Gives each extra device its range of the flat block address space, consecutive from the image's end (so
     * never 0, which the kernel reads as "not mapped"), and points every external file at its device's range.
     */
    private long[] placeDevices(long imageEnd) {
        long[] mapped = new long[devices.size()];
        long next = imageEnd;
        for (int i = 0; i < mapped.length; i++) {
            mapped[i] = next;
            next += devices.get(i).blocks();
        }
        if (next > 0xffffffffL) throw new IllegalStateException("devices end past block 2^32: " + next);
        for (Node n : inodes) {
            if (n.external) n.firstBlock = n.frontBlocks == 0 ? 0 : mapped[n.externalDevice] + n.externalBlock;
        }
        return mapped;
    }

    /** struct erofs_deviceslot per device: tag[64], blocks, mapped_blkaddr, reserved[56]. */
    private ByteBuffer deviceTable(long[] mapped) {
        ByteBuffer b = ByteBuffer.allocate(devices.size() * ErofsFormat.DEVICE_SLOT_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < mapped.length; i++) {
            int at = i * ErofsFormat.DEVICE_SLOT_SIZE;
            b.put(at, devices.get(i).tag().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            b.putInt(at + 64, (int) devices.get(i).blocks());
            b.putInt(at + 68, (int) mapped[i]);
        }
        return b;
    }

    /**
     * Files arrived out of image order (or some were replaced), so what went into the front region is not the
     * final layout: move it to the spool, from where every file is copied into place.
     */
    private void moveFrontToSpool() throws IOException {
        long base = front.moveTo(spool);
        for (Node n : inodes) {
            if (n.dataInImage) {
                n.dataOffset = base + n.dataOffset - FrontRegion.FIRST_BLOCK * BLOCK;
                n.dataInImage = false;
            }
        }
    }

    /** The bytes a file has in the front region (its last block may be partial; the rest is zero padding). */
    private static long frontBytes(Node n) {
        return n.extents != null ? n.frontBlocks * BLOCK : Math.min(n.size - n.inlineSize, n.frontBlocks * BLOCK);
    }

    /** Depth-first, name-sorted walk: fixes inode order, resolves hardlinks, counts links. */
    private void collect(Node dir) {
        inodes.add(dir);
        Node[] children = dir.children.values().toArray(new Node[0]);
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
            case FILE -> inlineCandidate = n.inlineSize;   // decided on arrival, to fit any record size
            case SYMLINK -> inlineCandidate = n.size;
            default -> { }
        }
        n.extended = InodeHeader.needsExtended(n.uid, n.gid, n.nlink, n.size, n.mtime, n.mtimeNanos,
                options.buildTime(), 0);
        int isize = n.extended ? ErofsFormat.EXTENDED_INODE_SIZE : ErofsFormat.COMPACT_INODE_SIZE;
        int base = isize + n.xattrSize;
        if (n.extents != null && options.compactIndexes() && !options.bigPclusters()) {
            // Records start on 32-byte slots, so ebase % 32 is known before placement.
            int ebase = align(base, 8) + ErofsFormat.MAP_HEADER_SIZE;
            n.dataLayout = ErofsFormat.LAYOUT_COMPRESSED_COMPACT;
            n.recordSize = ebase + LclusterIndex.compactBytes(n.size, ebase % 32);
            n.dataBlocks = n.frontBlocks;
        } else if (n.extents != null) {
            n.dataLayout = ErofsFormat.LAYOUT_COMPRESSED_FULL;
            n.recordSize = align(base, 8) + ErofsFormat.MAP_HEADER_AND_PADDING + LclusterIndex.fullBytes(n.size);
            n.dataBlocks = n.frontBlocks;
        } else if (n.type == EntryType.FILE && base + n.inlineSize > BLOCK) {
            throw new IllegalStateException("inline tail of " + n.path() + " does not fit its inode block");
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

    /** The record being encoded: one buffer for all, zeroed per record (a fresh one each was ~12 MB of garbage). */
    private ByteBuffer recordBuffer = ByteBuffer.allocate(BLOCK);

    /** The record of {@code n}, valid until the next call. */
    private ByteBuffer encodeRecord(Node n, XattrLayout xattrs) throws IOException {
        if (recordBuffer.capacity() < n.recordSize) recordBuffer = ByteBuffer.allocate(n.recordSize);
        Arrays.fill(recordBuffer.array(), 0, n.recordSize, (byte) 0);
        ByteBuffer b = recordBuffer.clear().limit(n.recordSize).slice().order(ByteOrder.LITTLE_ENDIAN);
        int iu = switch (n.type) {
            case CHAR_DEVICE, BLOCK_DEVICE -> n.rdev;
            case FIFO, SOCKET -> 0;
            default -> n.extents != null ? (int) n.frontBlocks : (int) n.firstBlock;
        };
        new InodeHeader(n.extended, n.dataLayout, XattrLayout.icount(n.xattrSize),
                DirectoryListing.modeBits(n.type) | n.permissions, n.nlink, n.size, iu, n.ino,
                n.uid, n.gid, n.mtime, n.mtimeNanos).writeTo(b);
        xattrs.writeIbody(b, n.xattrs);
        if (n.dataLayout == ErofsFormat.LAYOUT_FLAT_INLINE) {
            switch (n.type) {
                case FILE -> {
                    if (n.externalTail != null) b.put(b.position(), n.externalTail, n.externalTailOffset, n.inlineSize);
                    else spool.read(n.tailOffset, b.slice(b.position(), n.inlineSize));
                }
                case SYMLINK -> b.put(n.symlinkTarget);
                case DIRECTORY -> writeDirectoryBlocks(n, null, b);
                default -> throw new IllegalStateException("inline data on " + n.type);
            }
        } else if (n.dataLayout == ErofsFormat.LAYOUT_COMPRESSED_FULL) {
            // map header (LZ4, 4 KiB lclusters; h_advise says whether pclusters may be big) and legacy padding
            int header = align(b.position(), 8);
            if (options.bigPclusters()) b.putShort(header + 4, (short) LclusterIndex.ADVISE_BIG_PCLUSTER_1);
            b.position(header + ErofsFormat.MAP_HEADER_AND_PADDING);
            LclusterIndex.writeFull(b, n.size, n.extents, n.firstBlock, options.bigPclusters());
        } else if (n.dataLayout == ErofsFormat.LAYOUT_COMPRESSED_COMPACT) {
            // map header: h_reserved1 (4), h_advise (2) = COMPACTED_2B, algorithm 0 = LZ4, clusterbits 0 = 4 KiB
            int header = align(b.position(), 8);
            b.putShort(header + 4, (short) LclusterIndex.ADVISE_COMPACTED_2B);
            b.position(header + ErofsFormat.MAP_HEADER_SIZE);
            LclusterIndex.writeCompact(b, n.size, n.extents, n.firstBlock);
        }
        return b.clear();
    }

    private static void writeLateData(ImageOutput out, Node n) throws IOException {
        if (n.dataBlocks == 0) return;
        switch (n.type) {
            case DIRECTORY -> writeDirectoryBlocks(n, out, null);
            case SYMLINK -> {
                out.write(ByteBuffer.wrap(n.symlinkTarget));
                out.padTo(align(out.position(), BLOCK));
            }
            default -> { }   // regular files are in the front region
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
