package dev.shed.core.shed;

import dev.shed.core.cache.Lowers;
import dev.shed.core.materialize.Lower;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.RealPaths;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code shed image mount NAME DIR} / {@code shed image umount DIR}: an image's lower mounted read-only on the
 * host, materialized first when missing or stale, through the same {@link LowerMounter} as {@code shed start}.
 * While mounted, the lower image and its data devices are attached to loop devices, which is what keeps
 * eviction and prune away from them (see {@link ShedCatalog#running()}).
 *
 * <p>Locks, in the store's order: the materializer's ({@code gc} shared, {@code lower-<hex>}) while ensuring the
 * lower; then {@code imagemount-<id>} (one per mount point, like {@code shed-<name>}); then {@code lower-<hex>}
 * shared from the "still cached?" check until mounted, so eviction cannot delete it in between.
 */
public final class ImageMounts {
    private static final int ATTEMPTS = 3;

    private final Store store;
    private final Lowers lowers;
    private final ImageSource images;
    private final LowerMounter mounter;
    private final RecordDir<ImageMount> records;

    public ImageMounts(Store store, Lowers lowers, ImageSource images, LowerMounter mounter) {
        this.store = store;
        this.lowers = lowers;
        this.images = images;
        this.mounter = mounter;
        this.records = new RecordDir<>(dir(store), ImageMount::toJson, ImageMount::fromJson);
    }

    /** shed/image-mounts/ under the store's state dir. */
    public static Path dir(Store store) {
        return store.layout().stateDir().resolve("image-mounts");
    }

    /** Mounts the lower of {@code ref}'s manifest read-only at {@code dir} (an existing, empty-or-not directory). */
    public ImageMount mount(String ref, Platform platform, Path dir) throws IOException {
        LowerMounter.requireHostMounts("shed image mount " + ref);
        if (!Files.isDirectory(dir)) throw new IllegalArgumentException("mount point " + dir + " is not a directory");
        Path real = dir.toRealPath();
        ImageSource.Resolved resolved = images.resolve(ref, platform);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            lowers.ensureLower(resolved.manifest().digest());
            try (FileLocks.Held lock = store.locks().exclusive(lockName(real))) {
                if (mounter.table().isMountPoint(real)) throw new ShedConflictException("something is already mounted at " + real);
                try (FileLocks.Held shared = store.locks().shared("lower-" + resolved.manifest().digest().hex())) {
                    if (!lowers.isCached(resolved.manifest().digest())) continue; // evicted since ensure: build again
                    Lower lower = lowers.lower(resolved.manifest().digest());
                    ImageMount m = new ImageMount(real, resolved.image(), lower.manifest(), lower.path(), lower.devices(),
                            Instant.now().truncatedTo(ChronoUnit.SECONDS));
                    // intent first: a crash after it leaves a record the next command finds stale (dir not mounted)
                    records.put(id(real), m);
                    try {
                        mounter.mount(lower, real);
                    } catch (IOException | RuntimeException e) {
                        records.delete(id(real));
                        throw e;
                    }
                    lowers.used(lower.manifest());
                    return m;
                }
            }
        }
        throw new IOException("shed image mount " + ref + ": its lower kept being evicted while mounting; try again");
    }

    /**
     * Unmounts a {@code shed image mount} at {@code dir} (its loops detach with it) and forgets it. A stale
     * record (already unmounted) is just forgotten. Not a shed image mount: {@link ShedNotFoundException}.
     */
    public ImageMount unmount(Path dir) throws IOException {
        Path real = RealPaths.real(dir);
        ImageMount m;
        try (FileLocks.Held lock = store.locks().exclusive(lockName(real))) {
            m = records.get(id(real)).orElseThrow(() -> new ShedNotFoundException("not a shed image mount: " + real
                    + (mounter.table().isMountPoint(real) ? " (something else is mounted there)" : "")));
            mounter.unmount(real);
            records.delete(id(real));
        }
        mounter.detachLeaked();
        return m;
    }

    /** Current mounts; stale records (directory no longer mounted) are removed on the way. */
    public List<ImageMount> list() throws IOException {
        List<ImageMount> out = new ArrayList<>();
        for (ImageMount m : records.list()) {
            if (mounter.table().isMountPoint(m.dir())) out.add(m);
            else forgetIfStale(m);
        }
        return out;
    }

    /** Removes records whose directory is not mounted (a crash, or umount by hand); returns them. */
    public List<ImageMount> cleanStale() throws IOException {
        List<ImageMount> out = new ArrayList<>();
        for (ImageMount m : records.list()) if (!mounter.table().isMountPoint(m.dir()) && forgetIfStale(m)) out.add(m);
        return out;
    }

    /** Detaches data-device loops a killed mount left behind (see {@link LowerMounter#detachLeaked}). */
    public List<Path> detachLeakedLoops() throws IOException {
        return mounter.detachLeaked();
    }

    private boolean forgetIfStale(ImageMount m) throws IOException {
        Optional<FileLocks.Held> lock = store.locks().tryExclusive(lockName(m.dir()));
        if (lock.isEmpty()) return false; // a mount or umount of it is in progress
        try (FileLocks.Held held = lock.get()) {
            if (mounter.table().isMountPoint(m.dir())) return false;
            return records.delete(id(m.dir()));
        }
    }

    static String id(Path real) {
        return Digest.of(real.toString().getBytes(StandardCharsets.UTF_8)).hex().substring(0, 32);
    }

    private static String lockName(Path real) {
        return "imagemount-" + id(real);
    }
}
