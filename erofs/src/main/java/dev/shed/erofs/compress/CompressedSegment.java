package dev.shed.erofs.compress;

/**
 * One compressed slice of a file: {@code blockCount} physical blocks (each a 4 KiB pcluster) and
 * the extent each block holds ({@code length | LclusterIndex.STORED_FLAG} when stored raw).
 */
public record CompressedSegment(byte[] blocks, int blockCount, int[] extents) {}
