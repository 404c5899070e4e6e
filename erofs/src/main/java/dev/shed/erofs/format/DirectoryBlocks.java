package dev.shed.erofs.format;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Packs sorted directory entries into EROFS directory blocks. Each block starts with its
 * struct erofs_dirent array (nid, nameoff, file_type); names follow without terminators, so a
 * block's first nameoff / 12 is its entry count and the last name ends at the block's used size.
 * Entries never straddle blocks, which is what lets the kernel binary-search block by block.
 */
public final class DirectoryBlocks {
    /** One entry: the name bytes, target nid and EROFS_FT_* type. */
    public record Dirent(byte[] name, long nid, int fileType) {}

    private DirectoryBlocks() {}

    /**
     * Where each block ends: returns per-block entry counts; the last block may be partial.
     * Only name lengths matter, so this works on lengths alone.
     */
    public static int[] split(int[] nameLengths) {
        int[] counts = new int[nameLengths.length];
        int blocks = 0, used = 0, inBlock = 0;
        for (int len : nameLengths) {
            int need = ErofsFormat.DIRENT_SIZE + len;
            if (used + need > ErofsFormat.BLOCK_SIZE) {
                counts[blocks++] = inBlock;
                used = 0;
                inBlock = 0;
            }
            used += need;
            inBlock++;
        }
        counts[blocks++] = inBlock;
        return java.util.Arrays.copyOf(counts, blocks);
    }

    /** Used bytes of a block holding the given entries. */
    public static int usedBytes(int[] nameLengths, int from, int count) {
        int n = 0;
        for (int i = from; i < from + count; i++) n += ErofsFormat.DIRENT_SIZE + nameLengths[i];
        return n;
    }

    /** Writes one block's entries at the buffer position; returns the bytes written (unpadded). */
    public static int writeBlock(ByteBuffer b, List<Dirent> entries) {
        int start = b.position();
        int nameoff = entries.size() * ErofsFormat.DIRENT_SIZE;
        for (Dirent d : entries) {
            b.putLong(d.nid());
            b.putShort((short) nameoff);
            b.put((byte) d.fileType());
            b.put((byte) 0);
            nameoff += d.name().length;
        }
        for (Dirent d : entries) b.put(d.name());
        return b.position() - start;
    }
}
