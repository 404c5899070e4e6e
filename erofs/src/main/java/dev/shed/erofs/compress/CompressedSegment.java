package dev.shed.erofs.compress;

/**
 * One compressed slice of a file: {@code blockCount} physical blocks holding its pclusters, and one extent per
 * pcluster (encoded as {@link dev.shed.erofs.format.LclusterIndex} describes: length, blocks, stored or not).
 */
public record CompressedSegment(byte[] blocks, int blockCount, int[] extents) {}
