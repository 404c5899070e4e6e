package dev.shed.erofs;

/** How regular-file data is stored. */
public enum Compression {
    /** Flat files with tail packing. */
    NONE,
    /** LZ4, fast compressor (level 0). */
    LZ4,
    /** LZ4 high-compression search (levels 1..12). Same on-disk format as LZ4. */
    LZ4HC;

    /**
     * The LZ4HC level used when none is given. Levels mean what they mean in liblz4 (search depth 2^(level-1)
     * for 1..9, same parsing scheme), so mkfs.erofs -zlz4hc,N and ours are comparable level for level. 5 rather
     * than liblz4's 9: on a Debian rootfs it costs +0.2% of data blocks against level 9 for ~40% less compression
     * CPU (docs/erofs.md, "Command").
     */
    public static final int LZ4HC_DEFAULT_LEVEL = 5;
}
