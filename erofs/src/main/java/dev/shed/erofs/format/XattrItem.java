package dev.shed.erofs.format;

import java.nio.ByteBuffer;
import java.util.Arrays;

/** One extended attribute as stored on disk: struct erofs_xattr_entry + name suffix + value, 4-aligned. */
public final class XattrItem implements Comparable<XattrItem> {
    private final int index;
    private final byte[] suffix;
    private final byte[] value;
    private final int hash;

    public XattrItem(String fullName, byte[] value) {
        XattrName name = XattrName.parse(fullName);
        if (value.length > 0xffff) throw new IllegalArgumentException("xattr value over 64 KiB: " + fullName);
        this.index = name.index();
        this.suffix = name.suffix();
        this.value = value.clone();
        this.hash = 31 * (31 * index + Arrays.hashCode(suffix)) + Arrays.hashCode(value);
    }

    /** Bytes this entry takes in an inline or shared xattr area (EROFS_XATTR_ALIGN to 4). */
    public int encodedSize() {
        return (ErofsFormat.XATTR_ENTRY_HEADER_SIZE + suffix.length + value.length + 3) & ~3;
    }

    public void writeTo(ByteBuffer b) {
        int start = b.position();
        b.put((byte) suffix.length);
        b.put((byte) index);
        b.putShort((short) value.length);
        b.put(suffix);
        b.put(value);
        while (b.position() - start < encodedSize()) b.put((byte) 0);
    }

    @Override
    public int compareTo(XattrItem o) {
        int c = Integer.compare(index, o.index);
        if (c == 0) c = Arrays.compareUnsigned(suffix, o.suffix);
        if (c == 0) c = Arrays.compareUnsigned(value, o.value);
        return c;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XattrItem x && index == x.index && Arrays.equals(suffix, x.suffix)
                && Arrays.equals(value, x.value);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
