package dev.shed.erofs;

import java.util.Arrays;

/**
 * Where a regular file's data already sits on an extra device (see {@link DeviceSlot}), as
 * {@link dev.shed.erofs.device.DataDeviceWriter} placed it: the image then holds only the file's inode, its
 * lcluster index (regenerated from {@code extents}) and its inline tail, and points at the device's blocks.
 * Immutable: arrays are copied in and out, except those given to {@link #viewing}, which are read in place.
 *
 * <p>{@code device}: index of the device in the image's device table (order of {@link ErofsWriter#addDevice});
 * {@code blockOffset}: first block of the file's data, counted from the start of the device; {@code blocks}:
 * blocks of the file's data on the device; {@code extents}: the compressed file's extents (see
 * {@link dev.shed.erofs.format.LclusterIndex}), or null for a flat file (its whole blocks on the device, its tail in
 * {@code inlineTail} or on the device); {@code inlineTail}: a flat file's last partial block when it goes inline in
 * the inode, else empty.
 */
public final class ExternalData {
    private final int device;
    private final long blockOffset;
    private final long blocks;
    private final int[] extents;
    /** The tail: {@code tailLength} bytes of {@code tailSource} from {@code tailOffset}, never written to. */
    private final byte[] tailSource;
    private final int tailOffset;
    private final int tailLength;

    public ExternalData(int device, long blockOffset, long blocks, int[] extents, byte[] inlineTail) {
        this(device, blockOffset, blocks, extents == null ? null : extents.clone(), inlineTail.clone(), 0, inlineTail.length);
    }

    private ExternalData(int device, long blockOffset, long blocks, int[] extents, byte[] tailSource, int tailOffset,
                         int tailLength) {
        if (device < 0 || blockOffset < 0 || blocks < 0) throw new IllegalArgumentException("negative placement");
        if (extents != null && tailLength != 0) throw new IllegalArgumentException("compressed files have no inline tail");
        java.util.Objects.checkFromIndexSize(tailOffset, tailLength, tailSource.length);
        this.device = device;
        this.blockOffset = blockOffset;
        this.blocks = blocks;
        this.extents = extents;
        this.tailSource = tailSource;
        this.tailOffset = tailOffset;
        this.tailLength = tailLength;
    }

    /**
     * A placement whose tail is {@code tailLength} bytes of {@code source} from {@code tailOffset}, viewed, not
     * copied: for placements read from an index that stays in memory and unchanged while the image is written
     * (a metadata image's small files were two copies of ~10 MB before). {@code extents} is taken as is too.
     */
    public static ExternalData viewing(int device, long blockOffset, long blocks, int[] extents, byte[] source,
                                       int tailOffset, int tailLength) {
        return new ExternalData(device, blockOffset, blocks, extents, source, tailOffset, tailLength);
    }

    public int device() {
        return device;
    }

    public long blockOffset() {
        return blockOffset;
    }

    public long blocks() {
        return blocks;
    }

    public int[] extents() {
        return extents == null ? null : extents.clone();
    }

    public byte[] inlineTail() {
        return Arrays.copyOfRange(tailSource, tailOffset, tailOffset + tailLength);
    }

    /** The same placement on another device of the image. */
    public ExternalData onDevice(int other) {
        return new ExternalData(other, blockOffset, blocks, extents, tailSource, tailOffset, tailLength);
    }

    /** The extents without a copy, for the writer (which only reads them). */
    int[] extentsShared() {
        return extents;
    }

    /** The tail in place (see {@link #tailOffset}, {@link #tailLength}), for the writer, which only reads it. */
    byte[] tailSource() {
        return tailSource;
    }

    int tailOffset() {
        return tailOffset;
    }

    int tailLength() {
        return tailLength;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExternalData x && device == x.device && blockOffset == x.blockOffset && blocks == x.blocks
                && Arrays.equals(extents, x.extents) && Arrays.equals(tailSource, tailOffset, tailOffset + tailLength,
                x.tailSource, x.tailOffset, x.tailOffset + x.tailLength);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(blockOffset) * 31 + Arrays.hashCode(extents);
    }

    @Override
    public String toString() {
        return "ExternalData[device=" + device + ", blockOffset=" + blockOffset + ", blocks=" + blocks + ", extents="
                + Arrays.toString(extents) + ", tail=" + tailLength + " bytes]";
    }
}
