/**
 * A standalone EROFS image writer (no OCI knowledge). Entry point: {@link dev.shed.erofs.ErofsWriter}.
 *
 * <h2>Image layout</h2>
 * <pre>
 * block 0   : superblock at byte 1024 (struct erofs_super_block, no checksum), meta_blkaddr = 0
 * metadata  : inodes from byte 1152 (root nid 36), depth-first in name order; each record is the
 *             32 B compact or 64 B extended inode, the xattr ibody, then the inline tail
 *             (FLAT_INLINE) or z_erofs_map_header + full lcluster indexes (COMPRESSED_FULL)
 * shared    : shared xattr area (xattr_blkaddr), only if some name+value is on two or more inodes
 * data      : directory blocks, file blocks and 4 KiB LZ4 pclusters, in the same inode order
 * </pre>
 * Feature flags: compat MTIME; incompat ZERO_PADDING (lz4_0padding) only when a file is
 * compressed. Everything is readable by Linux 5.4+ (5.15 target). Compact inodes are used when
 * ids/nlink fit 16 bits, size fits 32 bits and mtime equals the build time exactly.
 *
 * <h2>Streaming and memory</h2>
 * File data never sits in memory whole: it is streamed (compressed in 1 MiB segments on a worker
 * pool, results written in order) to a spool file beside the output, and copied into place at
 * close() in canonical order, which is what makes output independent of add order. Per entry the
 * writer keeps a {@link dev.shed.erofs.tree.Node} (~200 bytes + the name; identical xattr sets are
 * shared) plus, for compressed files, 4 bytes per 4 KiB pcluster. Metadata is written sequentially
 * from those nodes, so layout needs no per-entry buffers.
 */
package dev.shed.erofs;
