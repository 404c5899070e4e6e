package dev.shed.erofs.format;

import java.nio.ByteBuffer;

/**
 * Writes the COMPRESSED_FULL lcluster index (struct z_erofs_lcluster_index per 4 KiB logical
 * cluster) for a file made of consecutive extents, each stored in exactly one physical block.
 *
 * <p>An lcluster where an extent starts is a HEAD (compressed) or PLAIN (stored) lcluster whose
 * di_clusterofs says where in it the extent begins and whose blkaddr names the pcluster. Other
 * lclusters are NONHEAD with delta[0] = distance back to their HEAD and delta[1] = distance to the
 * next HEAD. Like mkfs.erofs, when the last extent ends inside an lcluster where nothing starts, that
 * lcluster gets a PLAIN index whose clusterofs marks the end of data.
 *
 * <p>Callers guarantee at most one extent starts per lcluster (every extent but a file's or a
 * segment's last covers more than one block of input, and segments are block-aligned).
 */
public final class LclusterIndex {
    private LclusterIndex() {}

    /** Extent lengths are encoded as {@code length | STORED_FLAG} for uncompressed extents. */
    public static final int STORED_FLAG = 0x8000_0000;

    public static int indexBytes(long fileSize) {
        return (int) ErofsFormat.blocksFor(fileSize) * ErofsFormat.LCLUSTER_INDEX_SIZE;
    }

    public static void write(ByteBuffer b, long fileSize, int[] extents, long firstBlock) {
        final int bits = ErofsFormat.BLOCK_BITS;
        final long mask = ErofsFormat.BLOCK_SIZE - 1;
        final long total = ErofsFormat.blocksFor(fileSize);
        long[] headStart = new long[extents.length + 1];
        long pos = 0;
        for (int k = 0; k < extents.length; k++) {
            headStart[k] = pos;
            pos += extents[k] & ~STORED_FLAG;
        }
        if (pos != fileSize) throw new IllegalStateException("extents cover " + pos + " of " + fileSize + " bytes");
        int heads = extents.length;
        boolean sentinel = (fileSize & mask) != 0 && heads > 0 && (headStart[heads - 1] >>> bits) != total - 1;
        if (sentinel) headStart[heads] = fileSize;

        int headCount = heads + (sentinel ? 1 : 0);
        int next = 0;          // next head to place
        long prevHeadLcn = 0;
        for (long lcn = 0; lcn < total; lcn++) {
            if (next < headCount && (headStart[next] >>> bits) == lcn) {
                boolean isSentinel = next == heads;
                boolean stored = isSentinel || (extents[next] & STORED_FLAG) != 0;
                b.putShort((short) (stored ? ErofsFormat.LCLUSTER_TYPE_PLAIN : ErofsFormat.LCLUSTER_TYPE_HEAD));
                b.putShort((short) (headStart[next] & mask));
                b.putInt(isSentinel ? 0 : (int) (firstBlock + next));
                if (next + 1 < headCount && (headStart[next + 1] >>> bits) == lcn) {
                    throw new IllegalStateException("two extents start in lcluster " + lcn);
                }
                prevHeadLcn = lcn;
                next++;
            } else {
                long nextHeadLcn = next < headCount ? headStart[next] >>> bits : total;
                b.putShort((short) ErofsFormat.LCLUSTER_TYPE_NONHEAD);
                b.putShort((short) 0);
                b.putShort((short) (lcn - prevHeadLcn));
                b.putShort((short) (nextHeadLcn - lcn));
            }
        }
    }
}
