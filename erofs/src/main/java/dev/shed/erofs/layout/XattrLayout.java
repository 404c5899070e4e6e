package dev.shed.erofs.layout;

import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.format.XattrItem;
import dev.shed.erofs.tree.Node;
import dev.shed.erofs.tree.XattrSet;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides which xattrs go to the shared xattr area (any name+value used by two or more inodes is
 * stored once there and referenced by a 4-byte id from each inode's h_shared_xattrs) and encodes
 * each inode's xattr ibody: struct erofs_xattr_ibody_header, shared ids, then inline entries.
 */
public final class XattrLayout {
    private final Map<XattrItem, Integer> sharedIds = new HashMap<>();
    private final List<XattrItem> shared = new ArrayList<>();
    private int sharedAreaBytes;

    XattrLayout(List<Node> inodes) {
        Map<XattrItem, Integer> uses = new HashMap<>();
        for (Node n : inodes) {
            for (XattrItem item : n.xattrs.items()) uses.merge(item, 1, Integer::sum);
        }
        uses.forEach((item, count) -> {
            if (count >= 2) shared.add(item);
        });
        shared.sort(null);
        for (XattrItem item : shared) {
            sharedIds.put(item, sharedAreaBytes / 4);
            sharedAreaBytes += item.encodedSize();
        }
    }

    int sharedAreaBytes() {
        return sharedAreaBytes;
    }

    /** Size of the inode's xattr ibody (0 when it has no xattrs). */
    int ibodySize(XattrSet set) {
        if (set.isEmpty()) return 0;
        int size = ErofsFormat.XATTR_IBODY_HEADER_SIZE;
        for (XattrItem item : set.items()) size += sharedIds.containsKey(item) ? 4 : item.encodedSize();
        if (size > ErofsFormat.XATTR_IBODY_HEADER_SIZE + 4 * 0xfffeL) throw new IllegalArgumentException("xattrs too large");
        return size;
    }

    /** The ibody size when none of the set's xattrs is shared: an upper bound of {@link #ibodySize}. */
    public static int largestIbodySize(XattrSet set) {
        if (set.isEmpty()) return 0;
        int size = ErofsFormat.XATTR_IBODY_HEADER_SIZE;
        for (XattrItem item : set.items()) size += item.encodedSize();
        return size;
    }

    /** i_xattr_icount for an ibody of the given size: size = 12 + 4 * (icount - 1). */
    static int icount(int ibodySize) {
        return ibodySize == 0 ? 0 : (ibodySize - ErofsFormat.XATTR_IBODY_HEADER_SIZE) / 4 + 1;
    }

    void writeIbody(ByteBuffer b, XattrSet set) {
        if (set.isEmpty()) return;
        List<XattrItem> inline = new ArrayList<>();
        List<Integer> ids = new ArrayList<>();
        for (XattrItem item : set.items()) {
            Integer id = sharedIds.get(item);
            if (id != null) ids.add(id); else inline.add(item);
        }
        if (ids.size() > 255) throw new IllegalArgumentException("more than 255 shared xattrs on one inode");
        b.putInt(0);                      // h_name_filter: no bloom filter (feature off)
        b.put((byte) ids.size());         // h_shared_count
        b.put(new byte[7]);               // h_reserved2
        for (int id : ids) b.putInt(id);
        for (XattrItem item : inline) item.writeTo(b);
    }

    void writeSharedArea(ImageOutput out) throws java.io.IOException {
        ByteBuffer b = ByteBuffer.allocate(sharedAreaBytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (XattrItem item : shared) item.writeTo(b);
        out.write(b.flip());
    }
}
