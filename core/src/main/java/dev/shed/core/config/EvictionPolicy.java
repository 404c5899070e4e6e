package dev.shed.core.config;

import java.util.Locale;

/** How cached lowers (cache/sha256/&lt;manifest&gt;.erofs) are given back (seed §3). */
public enum EvictionPolicy {
    /** Option C (default): only {@code shed image prune --layer-cache}/{@code --cache-only} evict. */
    MANUAL,
    /** Option A: after each materialize and on prune, evict least-recently-used lowers past {@code cache.budget}. */
    LRU,
    /** Option B: a lower goes when its last shed or snapshot goes. */
    REFCOUNT;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EvictionPolicy parse(String s) {
        for (EvictionPolicy p : values()) if (p.key().equals(s)) return p;
        throw new IllegalArgumentException("'" + s + "' is not an eviction policy (manual, lru, refcount)");
    }
}
