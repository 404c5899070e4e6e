package dev.shed.erofs;

import java.util.Arrays;

/**
 * Where a regular file's data already sits on an extra device (see {@link DeviceSlot}), as
 * {@link dev.shed.erofs.device.DataDeviceWriter} placed it: the image then holds only the file's inode, its
 * lcluster index (regenerated from {@code extents}) and its inline tail, and points at the device's blocks.
 *
 * @param device      index of the device in the image's device table (order of {@link ErofsWriter#addDevice})
 * @param blockOffset first block of the file's data, counted from the start of the device
 * @param blocks      blocks of the file's data on the device
 * @param extents     the compressed file's extents (see {@link dev.shed.erofs.format.LclusterIndex}), or null for a
 *                    flat file (its whole blocks on the device, its tail in {@code inlineTail} or on the device)
 * @param inlineTail  a flat file's last partial block when it goes inline in the inode, else empty
 */
public record ExternalData(int device, long blockOffset, long blocks, int[] extents, byte[] inlineTail) {
    public ExternalData {
        if (device < 0 || blockOffset < 0 || blocks < 0) throw new IllegalArgumentException("negative placement");
        if (extents != null && inlineTail.length != 0) throw new IllegalArgumentException("compressed files have no inline tail");
        extents = extents == null ? null : extents.clone();
        inlineTail = inlineTail.clone();
    }

    /** The same placement on another device of the image. */
    public ExternalData onDevice(int other) {
        return new ExternalData(other, blockOffset, blocks, extents, inlineTail);
    }

    @Override
    public int[] extents() {
        return extents == null ? null : extents.clone();
    }

    @Override
    public byte[] inlineTail() {
        return inlineTail.clone();
    }

    /** The extents without a copy, for the writer (which only reads them). */
    int[] extentsShared() {
        return extents;
    }

    /** The inline tail without a copy, for the writer (which only reads it). */
    byte[] inlineTailShared() {
        return inlineTail;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalData x && device == x.device && blockOffset == x.blockOffset && blocks == x.blocks
                && Arrays.equals(extents, x.extents) && Arrays.equals(inlineTail, x.inlineTail);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(blockOffset) * 31 + Arrays.hashCode(extents);
    }
}
