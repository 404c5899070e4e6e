package dev.shed.erofs.compress;

import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.format.LclusterIndex;
import dev.shed.erofs.lz4.Lz4DestSizeCompressor;
import java.util.Arrays;

/**
 * Turns a block-aligned slice of a file into pclusters with LZ4 "destSize": each pcluster takes as much input as
 * compresses into its size (one block by default, up to {@code pclusterBlocks} blocks), and keeps only the
 * blocks its output needs. A pcluster that would not cover more input than the blocks it takes saves nothing, so
 * that input (one block, or the short final piece) is stored raw instead. Compressed data is right-aligned in its
 * pcluster, zero-padded in front, as the ZERO_PADDING (lz4_0padding) feature requires. Not thread-safe: one
 * instance per worker thread.
 */
public final class SegmentCompressor {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private final Lz4DestSizeCompressor lz4;
    private final byte[] scratch;

    public SegmentCompressor(int level, int pclusterBlocks) {
        this.lz4 = new Lz4DestSizeCompressor(level);
        this.scratch = new byte[pclusterBlocks * BLOCK];
    }

    public CompressedSegment compress(byte[] data, int length) {
        int maxBlocks = (int) ErofsFormat.blocksFor(length);
        byte[] out = new byte[maxBlocks * BLOCK];
        int[] extents = new int[maxBlocks];
        int count = 0;
        int blocks = 0;
        int pos = 0;
        while (pos < length) {
            int remaining = length - pos;
            int outOff = blocks * BLOCK;
            if (remaining > BLOCK) {
                Lz4DestSizeCompressor.Result r = lz4.compress(data, pos, remaining, scratch, 0, scratch.length);
                int used = (r.produced() + BLOCK - 1) / BLOCK;
                if (r.consumed() > used * BLOCK) {
                    System.arraycopy(scratch, 0, out, outOff + used * BLOCK - r.produced(), r.produced());
                    extents[count++] = LclusterIndex.compressedExtent(r.consumed(), used);
                    blocks += used;
                    pos += r.consumed();
                    continue;
                }
            }
            int stored = Math.min(remaining, BLOCK);
            System.arraycopy(data, pos, out, outOff, stored);
            extents[count++] = LclusterIndex.storedExtent(stored);
            blocks++;
            pos += stored;
        }
        return new CompressedSegment(out, blocks, Arrays.copyOf(extents, count));
    }
}
