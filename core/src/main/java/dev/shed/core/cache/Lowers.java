package dev.shed.core.cache;

import dev.shed.core.config.EvictionPolicy;
import dev.shed.core.config.StoreConfig;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that hands out lowers: "ensure the lower of a manifest, record the use, apply the eviction
 * policy". {@code shed create}, {@code shed start} and {@code shed image materialize} all go through
 * {@link #ensure}; prune and the refcount policy evict through {@link #evict}.
 *
 * <p>Eviction takes {@code lower-<hex>} exclusively with a try-lock: a held lock means a build or a mount is
 * in progress, so the lower is skipped, never waited for. It then refuses any lower a running shed has mounted
 * (seed §10: deleting it would keep the running shed alive through the open inode, but the next start of
 * another shed on it would have to rebuild; refusing is simpler to reason about).
 */
public final class Lowers {
    private final Store store;
    private final LowerSource source;
    private final LowerUsers users;
    private final StoreConfig config;
    private final Usage usage;
    private final CacheDir cacheDir;

    public Lowers(Store store, LowerSource source, LowerUsers users, StoreConfig config) {
        this.store = store;
        this.source = source;
        this.users = users;
        this.config = config;
        this.usage = new Usage(store.layout());
        this.cacheDir = new CacheDir(store.layout());
    }

    public StoreConfig config() {
        return config;
    }

    /**
     * Builds the lower if missing or stale (an evicted lower comes back here transparently), records the use,
     * and under the LRU policy evicts least-recently-used lowers past the budget. Returns the lower's path.
     */
    public Path ensure(Digest manifest) throws IOException {
        Path lower = source.isCurrent(manifest) ? store.layout().erofsLower(manifest) : source.build(manifest).path();
        usage.touch(manifest);
        if (config.evictionPolicy() == EvictionPolicy.LRU) applyBudget(Set.of(manifest));
        return lower;
    }

    /** Records a use (e.g. a start that found the lower current) for LRU. */
    public void used(Digest manifest) throws IOException {
        usage.touch(manifest);
    }

    public boolean isCached(Digest manifest) {
        return source.isCurrent(manifest);
    }

    public List<CachedLower> list() throws IOException {
        return cacheDir.lowers();
    }

    public Optional<CachedLower> find(Digest digest, CachedLower.Kind kind) throws IOException {
        return list().stream().filter(l -> l.digest().equals(digest) && l.kind() == kind).findFirst();
    }

    /**
     * LRU candidates: oldest first, the lowers that must go so cache/ fits the budget. Running lowers and
     * {@code keep} are never chosen (they still count against the budget: their bytes are on disk).
     */
    public List<CachedLower> overBudget(Set<Digest> keep) throws IOException {
        return overBudget(list(), keep);
    }

    /** {@link #overBudget(Set)} over a given set of lowers (prune passes what its other rules leave). */
    public List<CachedLower> overBudget(List<CachedLower> present, Set<Digest> keep) throws IOException {
        if (!config.hasBudget()) return List.of();
        List<CachedLower> all = new ArrayList<>(present);
        long total = all.stream().mapToLong(CachedLower::bytes).sum();
        Set<Digest> running = users.running();
        all.sort(Comparator.comparing(CachedLower::lastUsed).thenComparing(CachedLower::digest));
        List<CachedLower> out = new ArrayList<>();
        for (CachedLower l : all) {
            if (total <= config.cacheBudget()) break;
            if (keep.contains(l.digest()) || running.contains(l.digest())) continue;
            out.add(l);
            total -= l.bytes();
        }
        return out;
    }

    /** Evicts what {@link #overBudget} names; lowers that turn out to be busy are skipped. */
    public List<CachedLower> applyBudget(Set<Digest> keep) throws IOException {
        List<CachedLower> evicted = new ArrayList<>();
        for (CachedLower l : overBudget(keep)) if (tryEvict(l)) evicted.add(l);
        return evicted;
    }

    /** Refcount policy: called when a shed or snapshot pinning {@code manifest} is gone. */
    public Optional<CachedLower> released(Digest manifest) throws IOException {
        if (config.evictionPolicy() != EvictionPolicy.REFCOUNT) return Optional.empty();
        if (users.pinned().contains(manifest)) return Optional.empty();
        Optional<CachedLower> l = find(manifest, CachedLower.Kind.EROFS);
        if (l.isPresent() && tryEvict(l.get())) return l;
        return Optional.empty();
    }

    /** Evicts one lower; false when it is in use (mounted by a running shed, being built or mounted). */
    public boolean tryEvict(CachedLower lower) throws IOException {
        try {
            evict(lower);
            return true;
        } catch (LowerInUseException e) {
            return false;
        }
    }

    /** Evicts one lower or throws {@link LowerInUseException} naming why it must stay. */
    public void evict(CachedLower lower) throws IOException {
        Optional<FileLocks.Held> lock = store.locks().tryExclusive("lower-" + lower.digest().hex());
        if (lock.isEmpty()) throw new LowerInUseException("lower " + lower.path() + " is being built or mounted");
        try (FileLocks.Held ignored = lock.get()) {
            if (users.running().contains(lower.digest())) {
                throw new LowerInUseException("lower " + lower.path() + " is mounted by a running shed");
            }
            StoreLayout layout = store.layout();
            Files.deleteIfExists(lower.path());
            if (lower.kind() == CachedLower.Kind.EROFS) {
                Files.deleteIfExists(layout.erofsLowerRecord(lower.digest()));
                usage.forget(lower.digest());
            }
        }
    }
}
