package dev.shed.core.shed;

import dev.shed.core.cache.Lowers;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.FileTrees;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Creates, starts, stops, snapshots and removes sheds.
 *
 * <p>Locks, always in this order (see docs/lifecycle.md): the store's {@code gc} lock shared (a write
 * session: create, rm, snapshot and snapshot rm change GC roots, so prune never sees half of such a change),
 * then {@code shed-<name>} / {@code snapshot-<name>}, then {@code lower-<hex>} (taken by the materializer to
 * build, shared by start while it mounts, try-locked by eviction).
 */
public final class ShedManager {
    private static final int START_ATTEMPTS = 3;

    private final Store store;
    private final ShedCatalog catalog;
    private final Lowers lowers;
    private final ImageSource images;
    private final String defaultRuntime;

    public ShedManager(Store store, ShedCatalog catalog, Lowers lowers, ImageSource images) {
        this(store, catalog, lowers, images, Shed.MOUNT);
    }

    /** {@code defaultRuntime}: the store's {@code runtime} setting, for sheds created without one. */
    public ShedManager(Store store, ShedCatalog catalog, Lowers lowers, ImageSource images, String defaultRuntime) {
        this.store = store;
        this.catalog = catalog;
        this.lowers = lowers;
        this.images = images;
        this.defaultRuntime = defaultRuntime;
    }

    /** The VM options of a create; {@code runtime} null takes the store's default. */
    public record CreateOptions(String runtime, VmSpec vm) {
        public static final CreateOptions DEFAULTS = new CreateOptions(null, null);
    }

    /** Default size of a vm shed's upper disk. */
    public static final long DEFAULT_UPPER_SIZE = 8L << 30;

    public ShedCatalog catalog() {
        return catalog;
    }

    /** What create did: the shed and its (already materialized) lower. */
    public record Created(Shed shed, Path lower) {}

    /**
     * Creates a shed pinning the manifest of {@code ref} and materializes its lower right away, so the first
     * start is mount-and-go ("I pulled it, it's ready"). A failed materialize undoes the create.
     */
    public Created create(String name, String ref, Platform platform, String fromSnapshot) throws IOException {
        return create(name, ref, platform, fromSnapshot, CreateOptions.DEFAULTS);
    }

    /** Create with a runtime and VM options ({@code shed create --upper-size/--publish/--init}). */
    public Created create(String name, String ref, Platform platform, String fromSnapshot, CreateOptions options) throws IOException {
        Shed shed;
        try (FileLocks.Held session = store.writeSession();
             FileLocks.Held lock = store.locks().exclusive("shed-" + Names.check("shed", name))) {
            if (catalog.sheds.get(name).isPresent()) throw new ShedConflictException("shed " + name + " already exists");
            Digest manifest;
            String image;
            Snapshot snap = null;
            if (fromSnapshot != null) {
                snap = catalog.snapshot(fromSnapshot).orElseThrow(() -> new ShedNotFoundException("no such snapshot: " + fromSnapshot));
                manifest = snap.manifest();
                image = snap.image();
            } else {
                ImageSource.Resolved r = images.resolve(ref, platform);
                manifest = r.manifest().digest();
                image = r.image();
            }
            ShedPaths p = catalog.paths(name);
            FileTrees.deleteInStore(store.layout(), p.dataDir()); // a leftover of a crashed create or rm of the same name
            StoreDirs.ensure(store.layout(), p.dataDir()); // no symlink from the root down (StoreDirs)
            if (snap != null) FileTrees.copy(catalog.snapshotUpper(snap.name()), p.upper());
            else StoreDirs.ensure(store.layout(), p.upper(), StoreDirs.DIR_MODE); // the root directory of the shed's tree
            StoreDirs.ensure(store.layout(), p.work(), StoreDirs.PRIVATE_DIR_MODE); // overlayfs scratch
            // a snapshot of a vm shed holds its disk image: sheds made from it boot too
            String runtime = snap != null ? (Files.exists(p.upperDisk()) ? Shed.VM : Shed.MOUNT)
                    : options.runtime() != null ? options.runtime() : defaultRuntime;
            VmSpec vm = !runtime.equals(Shed.VM) ? null
                    : options.vm() != null ? options.vm() : new VmSpec(DEFAULT_UPPER_SIZE, java.util.List.of(), false);
            shed = new Shed(name, image, manifest, platform == null ? null : platform.toString(),
                    Instant.now().truncatedTo(ChronoUnit.SECONDS), fromSnapshot, false, runtime, vm);
            try {
                catalog.runner().prepare(shed, p);
            } catch (IOException | RuntimeException e) {
                FileTrees.deleteInStore(store.layout(), p.dataDir());
                throw e;
            }
            catalog.sheds.put(name, shed);
        }
        try {
            return new Created(shed, lowers.ensure(shed.manifest()));
        } catch (IOException | RuntimeException e) {
            try {
                remove(name, true);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Starts a shed: ensures its lower (rebuilding an evicted one), then mounts it while holding
     * {@code lower-<hex>} shared, so eviction cannot delete the file between the check and the mount. Returns
     * the runner's answer (the rootfs path). Starting a running shed returns its rootfs.
     */
    public Path start(String name) throws IOException {
        Names.check("shed", name);
        for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
            // build (or find) the lower before taking the shed lock: the materializer takes the gc lock shared,
            // and gc must come before shed-<name> in the lock order
            lowers.ensure(require(name).manifest());
            try (FileLocks.Held lock = store.locks().exclusive("shed-" + name)) {
                Shed shed = require(name);
                ShedPaths p = catalog.paths(name);
                if (catalog.runner().isRunning(shed, p)) return catalog.runner().whenRunning(shed, p);
                try (FileLocks.Held shared = store.locks().shared("lower-" + shed.manifest().hex())) {
                    if (!lowers.isCached(shed.manifest())) continue; // evicted since ensure: build again
                    catalog.runner().stop(shed, p); // clean up a half-started or externally unmounted shed
                    Path where = catalog.runner().start(shed, p, lowers.lower(shed.manifest()));
                    catalog.sheds.put(name, shed.withStarted(true));
                    return where;
                }
            }
        }
        throw new IOException("shed start " + name + ": its lower kept being evicted while starting; try again");
    }

    /** Stops a shed (no-op when it is not running; a stale "started" record is cleared). */
    public boolean stop(String name) throws IOException {
        try (FileLocks.Held lock = store.locks().exclusive("shed-" + Names.check("shed", name))) {
            Shed shed = require(name);
            boolean wasRunning = catalog.isRunning(shed);
            catalog.runner().stop(shed, catalog.paths(name));
            if (shed.started()) catalog.sheds.put(name, shed.withStarted(false));
            return wasRunning;
        }
    }

    /** Removes a shed and its upper dir. A running shed is refused unless {@code force}, which stops it first. */
    public Shed remove(String name, boolean force) throws IOException {
        Shed shed;
        try (FileLocks.Held session = store.writeSession();
             FileLocks.Held lock = store.locks().exclusive("shed-" + Names.check("shed", name))) {
            shed = require(name);
            ShedPaths p = catalog.paths(name);
            if (catalog.isRunning(shed)) {
                if (!force) throw new ShedConflictException("shed " + name + " is running; stop it first or use --force");
            }
            catalog.runner().stop(shed, p);
            catalog.sheds.delete(name);
            FileTrees.deleteInStore(store.layout(), p.dataDir());
            removeEmptyMountDirs(p);
        }
        lowers.released(shed.manifest());
        return shed;
    }

    /** Copies a shed's upper dir into a new snapshot that pins the shed's manifest. */
    public Snapshot snapshot(String shedName, String snapName) throws IOException {
        try (FileLocks.Held session = store.writeSession();
             FileLocks.Held lock = store.locks().exclusive("shed-" + Names.check("shed", shedName));
             FileLocks.Held snapLock = store.locks().exclusive("snapshot-" + Names.check("snapshot", snapName))) {
            Shed shed = require(shedName);
            if (catalog.snapshots.get(snapName).isPresent()) throw new ShedConflictException("snapshot " + snapName + " already exists");
            Path data = catalog.snapshots.dataDir(snapName);
            FileTrees.deleteInStore(store.layout(), data);
            StoreDirs.ensure(store.layout(), data);
            FileTrees.copy(catalog.paths(shedName).upper(), catalog.snapshotUpper(snapName));
            Snapshot snap = new Snapshot(snapName, shedName, shed.image(), shed.manifest(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
            catalog.snapshots.put(snapName, snap);
            return snap;
        }
    }

    public Snapshot removeSnapshot(String snapName) throws IOException {
        Snapshot snap;
        try (FileLocks.Held session = store.writeSession();
             FileLocks.Held lock = store.locks().exclusive("snapshot-" + Names.check("snapshot", snapName))) {
            snap = catalog.snapshots.get(snapName).orElseThrow(() -> new ShedNotFoundException("no such snapshot: " + snapName));
            catalog.snapshots.delete(snapName);
            FileTrees.deleteInStore(store.layout(), catalog.snapshots.dataDir(snapName));
        }
        lowers.released(snap.manifest());
        return snap;
    }

    private Shed require(String name) throws IOException {
        Optional<Shed> s = catalog.sheds.get(name);
        return s.orElseThrow(() -> new ShedNotFoundException("no such shed: " + name));
    }

    /** Only empty dirs are removed: a mount point that is somehow still mounted is never walked into. */
    private static void removeEmptyMountDirs(ShedPaths p) {
        for (Path dir : new Path[] {p.rootfs(), p.lowerMount(), p.mountDir()}) {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException notEmptyOrBusy) {
                // left for the operator; prune reports nothing under mounts/
            }
        }
    }
}
