package dev.shed.erofs.format;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * struct erofs_super_block (128 bytes at {@link ErofsFormat#SUPER_OFFSET}). No checksum: the
 * SB_CHKSUM compat feature is left off, so the kernel does not verify one. With big pclusters
 * ({@code maxPclusterBlocks} &gt; 1) the COMPR_CFGS feature is on: u1 lists LZ4 as the only algorithm, and its
 * settings record (le16 size, then struct z_erofs_lz4_cfgs) follows the superblock.
 */
public record SuperBlock(
        int featureCompat,
        int featureIncompat,
        int rootNid,
        long inodeCount,
        long buildTime,
        int buildTimeNanos,
        long totalBlocks,
        long metaBlockAddr,
        long xattrBlockAddr,
        byte[] uuid,
        int maxPclusterBlocks,
        int extraDevices,
        int deviceSlotOffset) {

    public SuperBlock {
        if (rootNid < 0 || rootNid > 0xffff) throw new IllegalStateException("root nid must fit 16 bits: " + rootNid);
        if (totalBlocks > 0xffffffffL) throw new IllegalStateException("image too large: " + totalBlocks + " blocks");
        if (uuid.length != 16) throw new IllegalArgumentException("uuid must be 16 bytes");
    }

    /** Size of the LZ4 settings record after the superblock: le16 size + z_erofs_lz4_cfgs (14 bytes). */
    private static final int LZ4_CFGS_SIZE = 14;

    /** The superblock, followed by the compression settings when big pclusters are in use. */
    public ByteBuffer encode() {
        boolean cfgs = maxPclusterBlocks > 1;
        ByteBuffer b = ByteBuffer.allocate(ErofsFormat.SUPER_SIZE + (cfgs ? 2 + LZ4_CFGS_SIZE : 0))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, ErofsFormat.MAGIC);
        b.putInt(4, 0);                                // checksum (unused: no SB_CHKSUM)
        b.putInt(8, featureCompat);
        b.put(12, (byte) ErofsFormat.BLOCK_BITS);      // blkszbits
        b.put(13, (byte) 0);                           // sb_extslots
        b.putShort(14, (short) rootNid);
        b.putLong(16, inodeCount);                     // inos
        b.putLong(24, buildTime);
        b.putInt(32, buildTimeNanos);
        b.putInt(36, (int) totalBlocks);
        b.putInt(40, (int) metaBlockAddr);
        b.putInt(44, (int) xattrBlockAddr);
        b.put(48, uuid);
        // volume_name[16] at 64 stays empty
        b.putInt(80, featureIncompat | (cfgs ? ErofsFormat.FEATURE_INCOMPAT_BIG_PCLUSTER : 0));
        if (cfgs) {
            b.putShort(84, (short) 1);                            // u1.available_compr_algs: LZ4 only
            b.putShort(ErofsFormat.SUPER_SIZE, (short) LZ4_CFGS_SIZE);
            b.putShort(ErofsFormat.SUPER_SIZE + 2, (short) 0);      // max_distance: 0 = LZ4's 64 KiB
            b.putShort(ErofsFormat.SUPER_SIZE + 4, (short) maxPclusterBlocks);
        }
        b.putShort(86, (short) extraDevices);          // extra_devices
        b.putShort(88, (short) deviceSlotOffset);      // devt_slotoff, in 128-byte slots from byte 0
        // Otherwise u1 (lz4_max_distance) = 0 means the LZ4 default window; the rest is reserved/zero.
        return b;
    }
}
