package dev.shed.erofs.tree;

import dev.shed.erofs.format.XattrItem;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * An inode's xattrs in on-disk form, sorted. Value type: {@link FileTree} interns equal sets so
 * that many inodes with the same xattrs share one instance (and one layout computation).
 */
public final class XattrSet {
    private final List<XattrItem> items;

    private XattrSet(List<XattrItem> items) {
        this.items = items;
    }

    private static final XattrSet NONE = new XattrSet(List.of());

    public static XattrSet of(SortedMap<String, byte[]> xattrs) {
        if (xattrs.isEmpty()) return NONE;   // most entries: no stream pipeline per entry
        return new XattrSet(xattrs.entrySet().stream()
                .map((Map.Entry<String, byte[]> e) -> new XattrItem(e.getKey(), e.getValue()))
                .sorted().toList());
    }

    public List<XattrItem> items() {
        return items;
    }

    public boolean isEmpty() {
        return items.isEmpty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XattrSet s && items.equals(s.items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }
}
