package dev.shed.erofs.compress;

import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.format.LclusterIndex;
import dev.shed.erofs.lz4.Lz4DestSizeCompressor;
import java.util.Arrays;

/**
 * Turns a block-aligned slice of a file into one-block pclusters with LZ4 "destSize": each
 * pcluster takes as much input as compresses into 4 KiB. A pcluster that would not cover more than
 * one block of input saves nothing, so that input (one block, or the short final piece) is stored
 * raw instead. Compressed data is right-aligned in its block, zero-padded in front, as the
 * ZERO_PADDING (lz4_0padding) feature requires. Not thread-safe: one instance per worker thread.
 */
public final class SegmentCompressor {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private final Lz4DestSizeCompressor lz4;
    private final byte[] scratch = new byte[BLOCK];

    public SegmentCompressor(int level) {
        this.lz4 = new Lz4DestSizeCompressor(level);
    }

    public CompressedSegment compress(byte[] data, int length) {
        int maxBlocks = (int) ErofsFormat.blocksFor(length);
        byte[] out = new byte[maxBlocks * BLOCK];
        int[] extents = new int[maxBlocks];
        int blocks = 0;
        int pos = 0;
        while (pos < length) {
            int remaining = length - pos;
            int outOff = blocks * BLOCK;
            int consumed = 0;
            if (remaining > BLOCK) {
                Lz4DestSizeCompressor.Result r = lz4.compress(data, pos, remaining, scratch, 0, BLOCK);
                if (r.consumed() > BLOCK) {
                    System.arraycopy(scratch, 0, out, outOff + BLOCK - r.produced(), r.produced());
                    consumed = r.consumed();
                    extents[blocks] = consumed;
                }
            }
            if (consumed == 0) {
                consumed = Math.min(remaining, BLOCK);
                System.arraycopy(data, pos, out, outOff, consumed);
                extents[blocks] = consumed | LclusterIndex.STORED_FLAG;
            }
            pos += consumed;
            blocks++;
        }
        return new CompressedSegment(out, blocks, Arrays.copyOf(extents, blocks));
    }
}
