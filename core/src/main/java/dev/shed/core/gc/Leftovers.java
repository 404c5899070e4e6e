package dev.shed.core.gc;

import dev.shed.core.cache.CacheDir;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Crash leftovers and abandoned work: files in shed/ingest and shed/tmp, strays in cache/sha256, and the
 * hidden temp files {@link dev.shed.core.store.AtomicFiles} writes beside index.json, records and config.
 *
 * <p>A file is stale when the lock its writer would hold is free: {@code <hex>.partial} ↔ {@code blob-<hex>},
 * {@code <id>.new} ↔ {@code ingest-<id>}, anything named after a manifest in tmp/ or cache/ ↔
 * {@code lower-<hex>}. Files with no such lock are stale once older than {@link #MIN_AGE}. A symlink standing for
 * one of these directories fails the search (nothing is deleted through it); a symlink inside one is a leftover
 * like any file, and deleting it removes the link only. Deleting a stale
 * {@code .partial} gives up the resume offset of an interrupted download; that is what prune is for.
 */
final class Leftovers {
    static final Duration MIN_AGE = Duration.ofHours(1);
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String LAYERDEV = "layerdev-";

    private final Store store;
    private final StoreLayout layout;

    Leftovers(Store store) {
        this.store = store;
        this.layout = store.layout();
    }

    /** A stale path (file or directory) and its apparent size. */
    record Stale(Path path, long bytes) {}

    List<Stale> find() throws IOException {
        List<Stale> out = new ArrayList<>();
        // <hex>.partial and <id>.new: stale when their writer's lock is free (the content store knows the names)
        for (Path p : store.blobs().staleIngestFiles(Duration.ZERO)) out.add(stale(p));
        for (Path p : list(layout.ingestDir())) {
            String name = p.getFileName().toString();
            if (!name.endsWith(".partial") && !name.endsWith(".new") && isOld(p)) out.add(stale(p));
        }
        Path devicesDir = CacheDir.devicesDir(layout);
        for (Path p : list(layout.tmpDir())) if (isStaleByBuildLockOrAge(p)) out.add(stale(p));
        for (Path p : new CacheDir(layout).strays()) {
            boolean stale = devicesDir.equals(p.getParent()) ? isStaleByDeviceLockOrAge(p.getFileName().toString(), p)
                    : isStaleByBuildLockOrAge(p);
            if (stale) out.add(stale(p));
        }
        for (Path dir : List.of(layout.root(), layout.stateDir(), layout.shedsDir(), layout.snapshotsDir())) {
            for (Path p : list(dir)) {
                String name = p.getFileName().toString();
                if (name.startsWith(".") && name.endsWith(".tmp") && StoreDirs.isRegularFile(p) && isOld(p)) out.add(stale(p));
            }
        }
        return out;
    }

    /** tmp/ and cache/sha256: a data device build's temp ({@code layerdev-…}) or anything named after a manifest. */
    private boolean isStaleByBuildLockOrAge(Path p) throws IOException {
        String name = p.getFileName().toString();
        if (name.startsWith(LAYERDEV)) return isStaleByDeviceLockOrAge(name.substring(LAYERDEV.length()), p);
        Matcher m = HEX.matcher(p.getFileName().toString());
        return m.find() ? isFree("lower-" + m.group()) : isOld(p);
    }

    /**
     * A data device's files and temps are named after its build lock, {@code layerdev-<layer-hex>.<key>}, with
     * something after (the key's own spelling is the builder's): stale when every such lock whose name prefixes
     * {@code name} is free, or there is none; names without a layer hex, by age.
     */
    private boolean isStaleByDeviceLockOrAge(String name, Path p) throws IOException {
        Matcher m = HEX.matcher(name);
        if (!m.lookingAt()) return isOld(p);
        for (Path lock : list(layout.locksDir())) {
            String ln = lock.getFileName().toString();
            if (!ln.startsWith(LAYERDEV + m.group() + ".") || !ln.endsWith(".lock")) continue;
            String id = ln.substring(LAYERDEV.length(), ln.length() - ".lock".length());
            if (name.startsWith(id) && !isFree(LAYERDEV + id)) return false;
        }
        return true; // no build of it holds a lock (a build makes its lock file before its first file)
    }

    private boolean isFree(String lock) {
        Optional<FileLocks.Held> held = store.locks().tryExclusive(lock);
        held.ifPresent(FileLocks.Held::close);
        return held.isPresent();
    }

    private static boolean isOld(Path p) {
        try {
            return Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(Instant.now().minus(MIN_AGE));
        } catch (IOException gone) {
            return false;
        }
    }

    static Stale stale(Path p) throws IOException {
        return new Stale(p, dev.shed.core.store.FileTrees.size(p));
    }

    /** The entries of a store directory; a symlink in its place (or above it) is an error, never followed. */
    private List<Path> list(Path dir) throws IOException {
        if (!StoreDirs.exists(layout, dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

}
