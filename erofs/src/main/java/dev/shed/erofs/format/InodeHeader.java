package dev.shed.erofs.format;

import java.nio.ByteBuffer;

/**
 * The fixed part of an on-disk inode: struct erofs_inode_compact (32 B) or
 * struct erofs_inode_extended (64 B). {@code iu} is the i_u union: raw_blkaddr, rdev or
 * compressed_blocks depending on type and layout.
 */
public record InodeHeader(
        boolean extended,
        int dataLayout,
        int xattrIcount,
        int mode,
        long nlink,
        long size,
        int iu,
        int ino,
        long uid,
        long gid,
        long mtime,
        int mtimeNanos) {

    /**
     * Compact inodes have 16-bit uid/gid/nlink, a 32-bit size and no own mtime (they take the
     * superblock build time), so anything else needs the extended form.
     */
    public static boolean needsExtended(long uid, long gid, long nlink, long size, long mtime, int nanos,
                                        long buildTime, int buildNanos) {
        return uid > 0xffff || gid > 0xffff || nlink > 0xffff || size > 0xffffffffL
                || mtime != buildTime || nanos != buildNanos;
    }

    public int byteSize() {
        return extended ? ErofsFormat.EXTENDED_INODE_SIZE : ErofsFormat.COMPACT_INODE_SIZE;
    }

    /** Writes at the buffer's position (little-endian buffer expected). */
    public void writeTo(ByteBuffer b) {
        int p = b.position();
        int format = (extended ? 1 : 0) | dataLayout << 1;
        b.putShort(p, (short) format);
        b.putShort(p + 2, (short) xattrIcount);
        b.putShort(p + 4, (short) mode);
        if (extended) {
            b.putShort(p + 6, (short) 0);
            b.putLong(p + 8, size);
            b.putInt(p + 16, iu);
            b.putInt(p + 20, ino);
            b.putInt(p + 24, (int) uid);
            b.putInt(p + 28, (int) gid);
            b.putLong(p + 32, mtime);
            b.putInt(p + 40, mtimeNanos);
            b.putInt(p + 44, (int) nlink);
            for (int i = 48; i < 64; i++) b.put(p + i, (byte) 0);
        } else {
            b.putShort(p + 6, (short) nlink);
            b.putInt(p + 8, (int) size);
            b.putInt(p + 12, 0);
            b.putInt(p + 16, iu);
            b.putInt(p + 20, ino);
            b.putShort(p + 24, (short) uid);
            b.putShort(p + 26, (short) gid);
            b.putInt(p + 28, 0);   // newer kernels read this as mtime relative to build time: 0 = build time
        }
        b.position(p + byteSize());
    }
}
