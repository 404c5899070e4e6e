package dev.shed.core.cache;

import static dev.shed.core.store.RealPaths.real;

import dev.shed.core.config.EvictionPolicy;
import dev.shed.core.config.StoreConfig;
import dev.shed.core.materialize.Lower;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The one place that hands out lowers: "ensure the lower of a manifest, record the use, apply the eviction
 * policy". {@code shed create}, {@code shed start}, {@code shed image materialize} and {@code shed image mount}
 * all go through {@link #ensure}; prune and the refcount policy evict through {@link #evict}.
 *
 * <p>Eviction takes {@code lower-<hex>} exclusively with a try-lock: a held lock means a build or a mount is
 * in progress, so the lower is skipped, never waited for. It then refuses any lower that is mounted (seed §10:
 * deleting it would keep the mount alive through the open inode, but the next start of another shed on it
 * would have to rebuild; refusing is simpler to reason about).
 *
 * <p>A shared lower's data devices (cache/layers/sha256/) are derived data of the lowers whose records list
 * them: the last such lower evicted makes a device an orphan, and {@link #tryRemoveDevice} deletes orphans —
 * only under the store's {@code gc} lock (try, reentrant for prune, which already holds it), since a
 * materialization builds devices and writes the record naming them inside one write session; under the
 * device's {@code layerdev-} lock; and never while the device is attached to a loop device.
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
        return ensureLower(manifest).path();
    }

    /**
     * {@link #ensure}, answering the lower with its data devices (mount order). Eviction may remove it again at
     * any time after: a caller that needs the files holds {@code lower-<hex>} shared and re-checks
     * {@link #isCached} (as start and image mount do).
     */
    public Lower ensureLower(Digest manifest) throws IOException {
        Lower lower = null;
        if (isCached(manifest)) {
            try {
                lower = lower(manifest);
            } catch (java.nio.file.NoSuchFileException evictedMeanwhile) {
                // fall through to a build
            }
        }
        if (lower == null) lower = source.build(manifest);
        usage.touch(manifest);
        if (config.evictionPolicy() == EvictionPolicy.LRU) applyBudget(Set.of(manifest));
        // the record is the truth about devices, whatever the source answered
        return new Lower(manifest, lower.path(), lower.size(), lower.built(), cacheDir.devicesOf(manifest));
    }

    /** The cached lower as it is now (no build): its image and the data devices its record lists. */
    public Lower lower(Digest manifest) throws IOException {
        Path image = store.layout().erofsLower(manifest);
        return new Lower(manifest, image, Files.size(image), false, cacheDir.devicesOf(manifest));
    }

    /** Records a use (e.g. a start that found the lower current) for LRU. */
    public void used(Digest manifest) throws IOException {
        usage.touch(manifest);
    }

    /** Whether the lower is current and, for a shared lower, every data device it lists is present. */
    public boolean isCached(Digest manifest) {
        if (!source.isCurrent(manifest)) return false;
        for (Path d : cacheDir.devicesOf(manifest)) if (!Files.isRegularFile(d)) return false;
        return true;
    }

    /** The record beside a lower (layout, devices, build parameters), if present and readable. */
    public Optional<dev.shed.core.materialize.LowerRecord> record(Digest manifest) {
        return cacheDir.record(manifest);
    }

    public List<CachedLower> list() throws IOException {
        return cacheDir.lowers();
    }

    public List<DataDevice> devices() throws IOException {
        return cacheDir.devices();
    }

    /** Who uses which data device, from a fresh listing. */
    public DeviceRefs deviceRefs() throws IOException {
        return new DeviceRefs(list(), devices());
    }

    public Optional<CachedLower> find(Digest digest, CachedLower.Kind kind) throws IOException {
        return list().stream().filter(l -> l.digest().equals(digest) && l.kind() == kind).findFirst();
    }

    /**
     * Which data devices are attached to a loop device now (by a mounted shared lower): never deleted. The loops are
     * looked at once, here; the answer compares real paths, as the kernel reports backing files.
     */
    public Predicate<DataDevice> devicesInUse() {
        Set<Path> attached = new HashSet<>();
        Path dir = real(CacheDir.devicesDir(store.layout()));
        for (Path f : users.attachedFiles()) if (dir.equals(f.getParent())) attached.add(f);
        return device -> attached.contains(real(device.path()));
    }

    /**
     * LRU candidates: oldest first, the lowers that must go so cache/ fits the budget. Running lowers and
     * {@code keep} are never chosen (they still count against the budget: their bytes are on disk).
     */
    public List<CachedLower> overBudget(Set<Digest> keep) throws IOException {
        return overBudget(list(), keep);
    }

    /**
     * {@link #overBudget(Set)} over a given set of lowers (prune passes what its other rules leave). cache/ counts
     * those lowers and the data devices they use; evicting a lower gives back its own bytes plus the devices no
     * remaining lower uses (orphan devices are not counted: every prune and eviction removes them).
     */
    public List<CachedLower> overBudget(List<CachedLower> present, Set<Digest> keep) throws IOException {
        if (!config.hasBudget()) return List.of();
        List<CachedLower> all = new ArrayList<>(present);
        DeviceRefs refs = new DeviceRefs(all, devices());
        long total = all.stream().mapToLong(CachedLower::bytes).sum();
        for (DataDevice d : refs.devices()) if (!refs.users(d.path()).isEmpty()) total += d.bytes();
        Set<Digest> running = users.running();
        all.sort(Comparator.comparing(CachedLower::lastUsed).thenComparing(CachedLower::digest));
        List<CachedLower> out = new ArrayList<>();
        Set<Digest> gone = new HashSet<>();
        for (CachedLower l : all) {
            if (total <= config.cacheBudget()) break;
            if (keep.contains(l.digest()) || running.contains(l.digest())) continue;
            total -= l.bytes() + refs.uniqueBytes(l, gone);
            gone.add(l.digest());
            out.add(l);
        }
        return out;
    }

    /** Evicts what {@link #overBudget} names, then the data devices left unused; busy ones are skipped. */
    public List<CachedLower> applyBudget(Set<Digest> keep) throws IOException {
        List<CachedLower> evicted = new ArrayList<>();
        for (CachedLower l : overBudget(keep)) if (tryEvict(l)) evicted.add(l);
        if (!evicted.isEmpty()) removeOrphanDevices();
        return evicted;
    }

    /** Refcount policy: called when a shed or snapshot pinning {@code manifest} is gone. */
    public Optional<CachedLower> released(Digest manifest) throws IOException {
        if (config.evictionPolicy() != EvictionPolicy.REFCOUNT) return Optional.empty();
        if (users.pinned().contains(manifest)) return Optional.empty();
        Optional<CachedLower> l = find(manifest, CachedLower.Kind.EROFS);
        if (l.isPresent() && tryEvict(l.get())) {
            removeOrphanDevices();
            return l;
        }
        return Optional.empty();
    }

    /** Evicts one lower; false when it is in use (mounted, being built or mounted). */
    public boolean tryEvict(CachedLower lower) throws IOException {
        try {
            evict(lower);
            return true;
        } catch (LowerInUseException e) {
            return false;
        }
    }

    /**
     * Evicts one lower (its image, record and use time; not its data devices: see {@link #tryRemoveDevice}) or
     * throws {@link LowerInUseException} naming why it must stay.
     */
    public void evict(CachedLower lower) throws IOException {
        Optional<FileLocks.Held> lock = store.locks().tryExclusive("lower-" + lower.digest().hex());
        if (lock.isEmpty()) throw new LowerInUseException("lower " + lower.path() + " is being built or mounted");
        try (FileLocks.Held ignored = lock.get()) {
            if (users.running().contains(lower.digest())) {
                throw new LowerInUseException("lower " + lower.path() + " is mounted");
            }
            StoreLayout layout = store.layout();
            Files.deleteIfExists(lower.path());
            if (lower.kind() == CachedLower.Kind.EROFS) {
                Files.deleteIfExists(layout.erofsLowerRecord(lower.digest()));
                usage.forget(lower.digest());
            }
        }
    }

    /** Removes every data device no lower record lists (and not in use); returns those removed. */
    public List<DataDevice> removeOrphanDevices() throws IOException {
        List<DataDevice> removed = new ArrayList<>();
        for (DataDevice d : deviceRefs().freedBy(Set.of())) if (tryRemoveDevice(d)) removed.add(d);
        return removed;
    }

    /**
     * Deletes a data device (and its index) if nothing can need it: the {@code gc} lock is free or held by this
     * thread (no materialization is between building a device and writing the record that names it), its
     * {@code layerdev-} lock is free (no build of it), it is attached to no loop device, and no lower record lists
     * it now. False (nothing deleted) otherwise. The device goes before its index: a crash between leaves an index
     * without device, a stray prune removes.
     */
    public boolean tryRemoveDevice(DataDevice device) throws IOException {
        Optional<FileLocks.Held> gc = store.tryGcSession();
        if (gc.isEmpty()) return false;
        try (FileLocks.Held g = gc.get()) {
            Optional<FileLocks.Held> lock = store.locks().tryExclusive(device.lockName());
            if (lock.isEmpty()) return false;
            try (FileLocks.Held l = lock.get()) {
                if (devicesInUse().test(device)) return false;
                for (CachedLower lower : list()) if (lower.devices().contains(device.path())) return false;
                boolean existed = Files.deleteIfExists(device.path());
                Files.deleteIfExists(device.index());
                return existed;
            }
        }
    }
}
