package dev.shed.erofs;

/**
 * What a finished image contains.
 *
 * @param inodes          on-disk inodes (hardlinked names share one)
 * @param directories     directory inodes
 * @param regularFiles    regular-file inodes
 * @param compressedFiles regular files stored in the compressed layout
 * @param extraLinks      names beyond the first for hardlinked inodes
 * @param fileBytes       total logical size of regular files
 * @param metadataBytes   bytes of the inode records (inodes, xattrs, inline data, indexes) and shared xattrs
 * @param dataBlocks      4 KiB blocks of file and directory data
 * @param imageBytes      total image size
 * @param uuid            the volume UUID written to the superblock
 */
public record ErofsImageStats(long inodes, long directories, long regularFiles, long compressedFiles,
                              long extraLinks, long fileBytes, long metadataBytes, long dataBlocks,
                              long imageBytes, String uuid) {}
