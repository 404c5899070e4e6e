package dev.shed.erofs.format;

import java.nio.ByteBuffer;

/**
 * Writes the lcluster index of a compressed file made of consecutive extents, each stored in one physical
 * cluster of one or more blocks, in either on-disk form:
 *
 * <ul>
 *   <li>COMPRESSED_FULL: one 8-byte struct z_erofs_lcluster_index per 4 KiB logical cluster.</li>
 *   <li>COMPRESSED_COMPACT with COMPACTED_2B (what mkfs.erofs writes by default; Linux 5.3+): packs of 2
 *       lclusters in 8 bytes ("4B") up to the first 32-byte boundary, then packs of 16 in 32 bytes ("2B"),
 *       then 4B packs for the remainder. Each pack is a little-endian bit stream of (type &lt;&lt; 12 | value)
 *       entries followed by a le32 block address from which the pack's HEAD blocks are counted.</li>
 * </ul>
 *
 * <p>An lcluster where an extent starts is a HEAD (compressed) or PLAIN (stored) lcluster whose clusterofs
 * says where in it the extent begins. Other lclusters are NONHEAD with delta[0] = distance back to their HEAD
 * and delta[1] = distance to the next HEAD (the compact form stores delta[1] only in a pack's last entry; the
 * reader derives the rest). Like mkfs.erofs, when the last extent ends inside an lcluster where nothing starts,
 * that lcluster gets a PLAIN index whose clusterofs marks the end of data.
 *
 * <p>Big pclusters (more than one block, Linux 5.13+, full indexes only here): the map header carries
 * {@link #ADVISE_BIG_PCLUSTER_1}, and the first NONHEAD lcluster after every compressed HEAD holds the
 * pcluster's block count (delta[0] = {@link #D0_CBLKCNT} | blocks) instead of delta[0] = 1. Block addresses
 * advance by each pcluster's size.
 *
 * <p>Callers guarantee at most one extent starts per lcluster (every extent but a file's or a segment's last
 * covers more than one block of input, and segments are block-aligned).
 */
public final class LclusterIndex {
    private LclusterIndex() {}

    /**
     * An extent is one int: its input length (bits 0-20, up to 1 MiB), its pcluster's block count less one (bits
     * 21-29) and STORED_FLAG for an uncompressed one-block extent. One-block extents are just their length.
     */
    public static final int STORED_FLAG = 0x8000_0000;
    private static final int LENGTH_MASK = (1 << 21) - 1;
    private static final int BLOCKS_SHIFT = 21;
    private static final int BLOCKS_MASK = 0x1FF;
    /** z_erofs_map_header.h_advise bit: HEAD lclusters may have multi-block pclusters (Z_EROFS_ADVISE_BIG_PCLUSTER_1). */
    public static final int ADVISE_BIG_PCLUSTER_1 = 0x0002;
    /** Flag in a NONHEAD's delta[0]: the rest is the block count of the pcluster its HEAD starts (Z_EROFS_LI_D0_CBLKCNT). */
    public static final int D0_CBLKCNT = 1 << 11;

    public static int compressedExtent(int length, int blocks) {
        return length | (blocks - 1) << BLOCKS_SHIFT;
    }

    public static int storedExtent(int length) {
        return length | STORED_FLAG;
    }

    public static int length(int extent) {
        return extent & LENGTH_MASK;
    }

    public static int blocks(int extent) {
        return (extent >>> BLOCKS_SHIFT & BLOCKS_MASK) + 1;
    }

    public static boolean stored(int extent) {
        return (extent & STORED_FLAG) != 0;
    }
    /** z_erofs_map_header.h_advise bit: the compact index uses 2-byte entries between the 4-byte ones. */
    public static final int ADVISE_COMPACTED_2B = 0x0001;

    /** Bytes of the full index (after the map header and its legacy padding). */
    public static int fullBytes(long fileSize) {
        return (int) ErofsFormat.blocksFor(fileSize) * ErofsFormat.LCLUSTER_INDEX_SIZE;
    }

    /**
     * Bytes of the compact index, given where it starts relative to a 32-byte boundary ({@code ebase % 32},
     * ebase = ALIGN(inode end, 8) + the 8-byte map header).
     */
    public static int compactBytes(long fileSize, int ebaseMod32) {
        CompactSplit s = CompactSplit.of((int) ErofsFormat.blocksFor(fileSize), ebaseMod32);
        return packs(s.initial4b, 2) * 8 + s.middle2b * 2 + packs(s.end4b, 2) * 8;
    }

    /** Writes the full index at b's position; {@code bigPclusters} as the map header's ADVISE_BIG_PCLUSTER_1 says. */
    public static void writeFull(ByteBuffer b, long fileSize, int[] extents, long firstBlock, boolean bigPclusters) {
        Lclusters l = Lclusters.of(fileSize, extents, firstBlock, bigPclusters);
        for (int lcn = 0; lcn < l.total; lcn++) {
            b.putShort((short) l.type[lcn]);
            if (l.type[lcn] == ErofsFormat.LCLUSTER_TYPE_NONHEAD) {
                b.putShort((short) 0);
                b.putShort((short) l.value[lcn]);
                b.putShort((short) l.delta1[lcn]);
            } else {
                b.putShort((short) l.value[lcn]);
                b.putInt((int) l.block[lcn]);
            }
        }
    }

    /** Writes the compact index at b's position, which must be ebase (b's index 0 sits on a 32-byte boundary). */
    public static void writeCompact(ByteBuffer b, long fileSize, int[] extents, long firstBlock) {
        for (int e : extents) {
            if (blocks(e) != 1) throw new IllegalArgumentException("compact indexes need one-block pclusters");
        }
        Lclusters l = Lclusters.of(fileSize, extents, firstBlock, false);
        CompactSplit s = CompactSplit.of(l.total, b.position() % 32);
        int lcn = 0;
        long headsBefore = 0;
        int[] runs = {s.initial4b, s.middle2b, s.end4b};
        int[] perPack = {2, 16, 2};
        for (int r = 0; r < 3; r++) {
            int vcnt = perPack[r];
            int packBytes = vcnt == 2 ? 8 : 32;
            int encodeBits = (packBytes - 4) * 8 / vcnt;
            for (int p = 0; p < packs(runs[r], vcnt); p++) {
                int base = b.position();
                long bits = 0;   // pending bits, written out a byte at a time
                int pending = 0;
                int out = base;
                long firstBlockOfPack = firstBlock + headsBefore - 1;
                for (int i = 0; i < vcnt; i++, lcn++) {
                    int v;
                    if (lcn >= l.total) {
                        v = ErofsFormat.LCLUSTER_TYPE_PLAIN << ErofsFormat.BLOCK_BITS;   // padding past the end
                    } else if (l.type[lcn] == ErofsFormat.LCLUSTER_TYPE_NONHEAD) {
                        int value = i == vcnt - 1 ? l.delta1[lcn] : l.value[lcn];
                        v = l.type[lcn] << ErofsFormat.BLOCK_BITS | value;
                    } else {
                        v = l.type[lcn] << ErofsFormat.BLOCK_BITS | l.value[lcn];
                        headsBefore++;
                    }
                    bits |= (long) v << pending;
                    pending += encodeBits;
                    while (pending >= 8) {
                        b.put(out++, (byte) bits);
                        bits >>>= 8;
                        pending -= 8;
                    }
                }
                if (pending > 0) b.put(out++, (byte) bits);
                b.putInt(base + packBytes - 4, (int) firstBlockOfPack);
                b.position(base + packBytes);
            }
        }
    }

    private static int packs(int entries, int perPack) {
        return (entries + perPack - 1) / perPack;
    }

    /** How the kernel splits a compact index: 4B entries to the first 32-byte boundary, 2B packs, 4B rest. */
    private record CompactSplit(int initial4b, int middle2b, int end4b) {
        static CompactSplit of(int total, int ebaseMod32) {
            if (ebaseMod32 % 8 != 0) throw new IllegalArgumentException("compact index must start 8-aligned");
            int initial = ebaseMod32 == 0 ? 0 : (32 - ebaseMod32) / 4;
            if (initial >= total) return new CompactSplit(total, 0, 0);
            int middle = (total - initial) / 16 * 16;
            return new CompactSplit(initial, middle, total - initial - middle);
        }
    }

    /**
     * Per-lcluster fields: type; value = clusterofs (HEAD/PLAIN) or delta[0] (NONHEAD); delta[1] (NONHEAD);
     * block (HEAD/PLAIN; 0 for the end-of-data PLAIN). With big pclusters, the NONHEAD right after a compressed
     * HEAD has value = D0_CBLKCNT | the HEAD's block count.
     */
    private record Lclusters(int total, int[] type, int[] value, int[] delta1, long[] block) {
        static Lclusters of(long fileSize, int[] extents, long firstBlock, boolean bigPclusters) {
            final int bits = ErofsFormat.BLOCK_BITS;
            final long mask = ErofsFormat.BLOCK_SIZE - 1;
            final int total = (int) ErofsFormat.blocksFor(fileSize);
            long[] headStart = new long[extents.length + 1];
            long[] headBlock = new long[extents.length + 1];
            long pos = 0;
            long blk = firstBlock;
            for (int k = 0; k < extents.length; k++) {
                headStart[k] = pos;
                headBlock[k] = blk;
                pos += length(extents[k]);
                blk += blocks(extents[k]);
            }
            if (pos != fileSize) throw new IllegalStateException("extents cover " + pos + " of " + fileSize + " bytes");
            int heads = extents.length;
            boolean sentinel = (fileSize & mask) != 0 && heads > 0 && (headStart[heads - 1] >>> bits) != total - 1;
            if (sentinel) headStart[heads] = fileSize;
            int headCount = heads + (sentinel ? 1 : 0);

            Lclusters l = new Lclusters(total, new int[total], new int[total], new int[total], new long[total]);
            int next = 0;          // next head to place
            long prevHeadLcn = 0;
            int prevHeadBlocks = 0;   // block count to record after a compressed HEAD (big pclusters), else 0
            for (int lcn = 0; lcn < total; lcn++) {
                if (next < headCount && (headStart[next] >>> bits) == lcn) {
                    boolean isSentinel = next == heads;
                    boolean stored = isSentinel || stored(extents[next]);
                    l.type[lcn] = stored ? ErofsFormat.LCLUSTER_TYPE_PLAIN : ErofsFormat.LCLUSTER_TYPE_HEAD;
                    l.value[lcn] = (int) (headStart[next] & mask);
                    l.block[lcn] = isSentinel ? 0 : headBlock[next];
                    prevHeadBlocks = bigPclusters && !stored ? blocks(extents[next]) : 0;
                    if (next + 1 < headCount && (headStart[next + 1] >>> bits) == lcn) {
                        throw new IllegalStateException("two extents start in lcluster " + lcn);
                    }
                    prevHeadLcn = lcn;
                    next++;
                } else {
                    long nextHeadLcn = next < headCount ? headStart[next] >>> bits : total;
                    l.type[lcn] = ErofsFormat.LCLUSTER_TYPE_NONHEAD;
                    l.value[lcn] = (int) (lcn - prevHeadLcn);
                    if (l.value[lcn] == 1 && prevHeadBlocks > 0) l.value[lcn] = D0_CBLKCNT | prevHeadBlocks;
                    l.delta1[lcn] = (int) (nextHeadLcn - lcn);
                }
            }
            return l;
        }
    }
}
