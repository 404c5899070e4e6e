package dev.shed.core.gc;

import dev.shed.core.cache.CacheDir;
import dev.shed.core.cache.CachedLower;
import dev.shed.core.cache.DataDevice;
import dev.shed.core.cache.DeviceRefs;
import dev.shed.core.cache.Lowers;
import dev.shed.core.config.EvictionPolicy;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.ImageMounts;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Mark and sweep over the store. Roots: every index.json entry (named or not; with --all, only names some
 * shed or snapshot uses), every manifest a shed or snapshot pins. Marked: everything those reach. Swept:
 * unreached blobs (layers, configs, dangling manifests), lowers per the mode and the eviction policy, the data
 * devices no remaining lower uses (in every mode: they are derived data of lowers, so evicting a device's last
 * lower frees the device in the same prune), stale temp files.
 *
 * <p>{@link #prune} holds the store's {@code gc} lock exclusively from mark to sweep: pulls, imports and shed
 * create/rm hold it shared while they write content and then name or pin it, so prune never sees content
 * whose name has not landed. Crash safety: only unreached things are deleted, and a name is removed before
 * any of its blobs, so a prune killed at any point leaves a store whose named images are whole; the next
 * prune finishes the job.
 */
public final class Pruner {
    private final Store store;
    private final ShedCatalog catalog;
    private final Lowers lowers;
    private final ImageMounts imageMounts;

    /** A pruner that plans only (df), or prunes a store without image mounts to tidy. */
    public Pruner(Store store, ShedCatalog catalog, Lowers lowers) {
        this(store, catalog, lowers, null);
    }

    /** {@code imageMounts}: stale records of {@code shed image mount} are removed before each prune. */
    public Pruner(Store store, ShedCatalog catalog, Lowers lowers, ImageMounts imageMounts) {
        this.store = store;
        this.catalog = catalog;
        this.lowers = lowers;
        this.imageMounts = imageMounts;
    }

    /** What prune would remove now (no lock: a dry run or {@code shed image df} never waits for a pull). */
    public PrunePlan plan(PruneOptions options) throws IOException {
        List<PruneItem> items = new ArrayList<>();
        Set<Digest> pinned = catalog.pinned();
        ImageGraph graph = new ImageGraph(store);

        Set<Digest> reachable = new HashSet<>();
        for (Digest m : pinned) reachable.addAll(graph.manifestClosure(m));
        for (Descriptor entry : store.names().entries()) {
            Set<Digest> closure = graph.closure(entry);
            String name = entry.annotation(Descriptor.REF_NAME);
            if (options.all() && name != null && closure.stream().noneMatch(pinned::contains)) {
                items.add(new PruneItem(PruneItem.Kind.IMAGE_NAME, name, null, 0));
            } else {
                reachable.addAll(closure);
            }
        }
        Set<Digest> reachableManifests = new HashSet<>(pinned);
        for (Digest d : reachable) {
            ImageGraph.Node n = graph.get(d);
            if (n != null && n.role() == ImageGraph.Role.MANIFEST) reachableManifests.add(d);
        }

        planLowers(options, pinned, reachable, reachableManifests, items);
        if (!options.cacheScope()) {
            for (Digest d : store.blobs().list()) {
                if (reachable.contains(d)) continue;
                long size = sizeOrZero(store.blobs().path(d));
                items.add(new PruneItem(PruneItem.Kind.BLOB, d.toString(), store.blobs().path(d), size));
            }
        }
        Path cacheDir = store.layout().cacheDir();
        Path devicesDir = CacheDir.devicesDir(store.layout());
        for (Leftovers.Stale s : new Leftovers(store).find()) {
            Path parent = s.path().getParent();
            if (options.cacheScope() && !cacheDir.equals(parent) && !devicesDir.equals(parent)) continue;
            items.add(new PruneItem(PruneItem.Kind.TEMP, s.path().toString(), s.path(), s.bytes()));
        }
        if (!options.cacheScope()) {
            for (Path dir : catalog.orphanDataDirs()) {
                items.add(new PruneItem(PruneItem.Kind.TEMP, dir.toString(), dir, dev.shed.core.store.FileTrees.size(dir)));
            }
        }
        return new PrunePlan(options, items);
    }

    private void planLowers(PruneOptions options, Set<Digest> pinned, Set<Digest> reachable, Set<Digest> reachableManifests,
                            List<PruneItem> items) throws IOException {
        Set<Digest> running = catalog.running();
        EvictionPolicy policy = lowers.config().evictionPolicy();
        List<CachedLower> all = lowers.list();
        List<CachedLower> kept = new ArrayList<>();
        Set<Digest> evicted = new HashSet<>();
        for (CachedLower l : all) {
            boolean evict;
            if (running.contains(l.digest())) evict = false;
            else if (l.kind() == CachedLower.Kind.LEGACY_EXT4) evict = options.layerCache() || !reachable.contains(l.digest());
            else if (options.layerCache() || policy == EvictionPolicy.REFCOUNT) evict = !pinned.contains(l.digest());
            else evict = !reachableManifests.contains(l.digest());
            if (evict) {
                items.add(lowerItem(l));
                if (l.kind() == CachedLower.Kind.EROFS) evicted.add(l.digest());
            } else {
                kept.add(l);
            }
        }
        if (policy == EvictionPolicy.LRU) {
            for (CachedLower l : lowers.overBudget(kept, Set.of())) {
                items.add(lowerItem(l));
                evicted.add(l.digest());
            }
        }
        // devices whose every user goes in this prune (or that no lower uses at all), unless mounted
        Predicate<DataDevice> inUse = lowers.devicesInUse();
        DeviceRefs refs = new DeviceRefs(all, lowers.devices());
        for (DataDevice d : refs.freedBy(evicted)) {
            if (inUse.test(d)) continue;
            items.add(new PruneItem(PruneItem.Kind.DEVICE, d.path().getFileName().toString(), d.path(), d.bytes()));
        }
    }

    private static PruneItem lowerItem(CachedLower l) {
        PruneItem.Kind kind = l.kind() == CachedLower.Kind.EROFS ? PruneItem.Kind.LOWER : PruneItem.Kind.LEGACY_EXT4;
        return new PruneItem(kind, l.path().getFileName().toString(), l.path(), l.bytes());
    }

    /**
     * Plans and sweeps under the exclusive gc lock. Names go first, then lowers, blobs, temp files. Each item
     * actually removed is passed to {@code removed} as it goes; items found busy (a lower being built or
     * mounted) are skipped. Returns what was removed.
     */
    public PrunePlan prune(PruneOptions options, Consumer<PruneItem> removed) throws IOException {
        try (FileLocks.Held gc = store.gcSession()) {
            if (imageMounts != null) {
                imageMounts.cleanStale(); // records of mounts gone behind shed's back: nothing to reclaim, just tidy
                imageMounts.detachLeakedLoops(); // data-device loops a killed mount left: they would keep devices busy
            }
            PrunePlan plan = plan(options);
            List<PruneItem> done = new ArrayList<>();
            for (PruneItem item : plan.items()) {
                if (execute(item)) {
                    done.add(item);
                    removed.accept(item);
                }
            }
            return new PrunePlan(options, done);
        }
    }

    private boolean execute(PruneItem item) throws IOException {
        switch (item.kind()) {
            case IMAGE_NAME:
                return store.names().remove(item.what());
            case LOWER:
            case LEGACY_EXT4: {
                String file = item.path().getFileName().toString();
                Digest d = new Digest(file.substring(0, file.indexOf('.')));
                CachedLower.Kind kind = item.kind() == PruneItem.Kind.LOWER ? CachedLower.Kind.EROFS : CachedLower.Kind.LEGACY_EXT4;
                var lower = lowers.find(d, kind);
                return lower.isPresent() && lowers.tryEvict(lower.get());
            }
            case DEVICE: {
                for (DataDevice d : lowers.devices()) if (d.path().equals(item.path())) return lowers.tryRemoveDevice(d);
                return false;
            }
            case BLOB:
                return store.blobs().delete(Digest.parse(item.what()));
            case TEMP:
                if (!Files.exists(item.path(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) return false;
                // the directories holding it are checked again: one replaced by a symlink since the plan is refused
                dev.shed.core.store.FileTrees.deleteInStore(store.layout(), item.path());
                return true;
            default:
                throw new IllegalStateException("unknown prune item " + item.kind());
        }
    }

    static long sizeOrZero(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Blob digests reachable from index.json entries and pins (for verify and df). */
    static Set<Digest> reachable(Store store, ShedCatalog catalog, ImageGraph graph) throws IOException {
        Set<Digest> out = new LinkedHashSet<>();
        for (Descriptor entry : store.names().entries()) out.addAll(graph.closure(entry));
        for (Digest m : catalog.pinned()) out.addAll(graph.manifestClosure(m));
        return out;
    }
}
