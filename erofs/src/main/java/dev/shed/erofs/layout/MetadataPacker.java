package dev.shed.erofs.layout;

import dev.shed.erofs.format.ErofsFormat;
import java.util.TreeSet;

/**
 * Places inode records (inode + xattrs + inline tail or compressed index) in the metadata area. A record that
 * fits a block must not cross one (the kernel reads inline data from the inode's block), so placing records
 * one after the other wastes the end of a block whenever the next record is too big for it. Instead each
 * record goes to the fullest partly used block it fits in (best fit, lowest block on ties) and only opens a
 * new block when none has room, the way mkfs.erofs reuses metadata holes. Records larger than a block start a
 * fresh run of blocks. Deterministic: the result depends only on the sequence of record sizes.
 */
final class MetadataPacker {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private static final int SLOT = 1 << ErofsFormat.INODE_SLOT_BITS;
    private static final int BLOCK_KEY_BITS = 40;

    /** Partly used blocks, keyed (free bytes << 40 | block). */
    private final TreeSet<Long> partial = new TreeSet<>();
    private long blocks;

    /** @param firstOffset where records may start in block 0 (after the superblock) */
    MetadataPacker(long firstOffset) {
        blocks = 1;
        addPartial(0, (int) (BLOCK - firstOffset));
    }

    /** Returns the byte offset (a multiple of 32) where a record of {@code size} bytes goes. */
    long place(int size) {
        int need = align(size);
        if (need <= BLOCK) {
            Long fit = partial.ceiling((long) need << BLOCK_KEY_BITS);
            if (fit != null) {
                partial.remove(fit);
                int free = (int) (fit >>> BLOCK_KEY_BITS);
                long block = fit & ((1L << BLOCK_KEY_BITS) - 1);
                long offset = block * BLOCK + (BLOCK - free);
                addPartial(block, free - need);
                return offset;
            }
        }
        long first = blocks;
        long span = (need + BLOCK - 1) / BLOCK;
        blocks += span;
        addPartial(first + span - 1, (int) (span * BLOCK - need));
        return first * BLOCK;
    }

    /** End of the metadata area (block-aligned). */
    long end() {
        return blocks * BLOCK;
    }

    private void addPartial(long block, int free) {
        if (free >= SLOT) partial.add((long) free << BLOCK_KEY_BITS | block);
    }

    private static int align(int size) {
        return (size + SLOT - 1) / SLOT * SLOT;
    }
}
