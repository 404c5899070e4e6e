package dev.shed.erofs.format;

/** On-disk constants from the kernel's fs/erofs/erofs_fs.h that this writer uses. */
public final class ErofsFormat {
    private ErofsFormat() {}

    public static final int BLOCK_BITS = 12;
    public static final int BLOCK_SIZE = 1 << BLOCK_BITS;
    /** EROFS_SUPER_OFFSET: the superblock lives at byte 1024 of block 0. */
    public static final int SUPER_OFFSET = 1024;
    public static final int SUPER_SIZE = 128;
    public static final int MAGIC = 0xE0F5E1E2;

    /** Inode slots are 32 bytes: nid = (byte offset - meta_blkaddr * BLOCK_SIZE) / 32. */
    public static final int INODE_SLOT_BITS = 5;
    public static final int COMPACT_INODE_SIZE = 32;   // struct erofs_inode_compact
    public static final int EXTENDED_INODE_SIZE = 64;  // struct erofs_inode_extended

    // i_format bits 1..3: EROFS_INODE_* data layouts
    public static final int LAYOUT_FLAT_PLAIN = 0;
    public static final int LAYOUT_COMPRESSED_FULL = 1;
    public static final int LAYOUT_FLAT_INLINE = 2;
    public static final int LAYOUT_COMPRESSED_COMPACT = 3;

    public static final int FEATURE_COMPAT_MTIME = 0x2;
    /** EROFS_FEATURE_INCOMPAT_ZERO_PADDING (a.k.a. LZ4_0PADDING, Linux 5.3+). */
    public static final int FEATURE_INCOMPAT_ZERO_PADDING = 0x1;
    /**
     * EROFS_FEATURE_INCOMPAT_COMPR_CFGS, which is also BIG_PCLUSTER (same bit; Linux 5.13+): the superblock lists
     * the algorithms in use and per-algorithm settings follow it, including the largest pcluster.
     */
    public static final int FEATURE_INCOMPAT_BIG_PCLUSTER = 0x2;

    /** EROFS_FEATURE_INCOMPAT_DEVICE_TABLE (Linux 5.16+): extra_devices slots at devt_slotoff. */
    public static final int FEATURE_INCOMPAT_DEVICE_TABLE = 0x8;
    /** struct erofs_deviceslot: tag[64], blocks_lo, mapped_blkaddr_lo, reserved. */
    public static final int DEVICE_SLOT_SIZE = 128;

    public static final int DIRENT_SIZE = 12;          // struct erofs_dirent
    public static final int NAME_MAX = 255;            // EROFS_NAME_LEN

    // EROFS_FT_* dirent file types
    public static final int FT_REG_FILE = 1, FT_DIR = 2, FT_CHRDEV = 3, FT_BLKDEV = 4,
            FT_FIFO = 5, FT_SOCK = 6, FT_SYMLINK = 7;

    // POSIX st_mode file type bits stored in i_mode
    public static final int S_IFSOCK = 0140000, S_IFLNK = 0120000, S_IFREG = 0100000,
            S_IFBLK = 0060000, S_IFDIR = 0040000, S_IFCHR = 0020000, S_IFIFO = 0010000;

    /** struct erofs_xattr_ibody_header: h_name_filter(4) h_shared_count(1) reserved(7). */
    public static final int XATTR_IBODY_HEADER_SIZE = 12;
    /** struct erofs_xattr_entry header: e_name_len(1) e_name_index(1) e_value_size(2). */
    public static final int XATTR_ENTRY_HEADER_SIZE = 4;

    /** struct z_erofs_lcluster_index (the non-compact "full" index). */
    public static final int LCLUSTER_INDEX_SIZE = 8;
    public static final int LCLUSTER_TYPE_PLAIN = 0, LCLUSTER_TYPE_HEAD = 1, LCLUSTER_TYPE_NONHEAD = 2;
    /** Z_EROFS_FULL_INDEX_ALIGN: map header at ALIGN(end, 8), then 8 bytes header + 8 legacy padding. */
    public static final int MAP_HEADER_AND_PADDING = 16;
    /** struct z_erofs_map_header; the compact index follows it directly (ebase). */
    public static final int MAP_HEADER_SIZE = 8;

    public static long blocksFor(long bytes) {
        return (bytes + BLOCK_SIZE - 1) >>> BLOCK_BITS;
    }

    /** new_encode_dev(): the rdev encoding the kernel decodes with new_decode_dev(). */
    public static int encodeDevice(int major, int minor) {
        return (minor & 0xff) | (major & 0xfff) << 8 | (minor & ~0xff) << 12;
    }
}
