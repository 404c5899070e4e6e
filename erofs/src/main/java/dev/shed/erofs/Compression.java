package dev.shed.erofs;

/** How regular-file data is stored. */
public enum Compression {
    /** Flat files with tail packing. */
    NONE,
    /** LZ4, fast compressor (level 0). */
    LZ4,
    /** LZ4 high-compression search (levels 1..12). Same on-disk format as LZ4. */
    LZ4HC
}
