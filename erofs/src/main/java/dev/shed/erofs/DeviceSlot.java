package dev.shed.erofs;

import java.nio.charset.StandardCharsets;

/**
 * One extra device of a multi-device image (EROFS DEVICE_TABLE, Linux 5.16+): a file of {@code blocks} 4 KiB blocks
 * holding file data that the image's inodes address through its device-table slot. The kernel takes the devices
 * from the mount options ({@code -o device=A,device=B}, in table order); the tag is only a label.
 *
 * @param tag    up to 64 bytes of ASCII naming the device (erofs_deviceslot.tag); not used when devices are given
 *               at mount time
 * @param blocks the device's size in blocks (its file is exactly {@code blocks * 4096} bytes)
 */
public record DeviceSlot(String tag, long blocks) {
    public DeviceSlot {
        if (tag == null || tag.isEmpty() || tag.getBytes(StandardCharsets.US_ASCII).length > 64) {
            throw new IllegalArgumentException("device tag must be 1..64 ASCII bytes: " + tag);
        }
        if (blocks < 1 || blocks > 0xffffffffL) throw new IllegalArgumentException("device blocks out of range: " + blocks);
    }
}
