package dev.shed.core.gc;

import java.util.List;

/** What a prune removes (or would remove), in the order it does it. */
public record PrunePlan(PruneOptions options, List<PruneItem> items) {
    public PrunePlan {
        items = List.copyOf(items);
    }

    public long bytes() {
        return items.stream().mapToLong(PruneItem::bytes).sum();
    }

    public long bytes(PruneItem.Kind kind) {
        return items.stream().filter(i -> i.kind() == kind).mapToLong(PruneItem::bytes).sum();
    }

    public long count(PruneItem.Kind kind) {
        return items.stream().filter(i -> i.kind() == kind).count();
    }
}
