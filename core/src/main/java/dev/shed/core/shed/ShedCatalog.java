package dev.shed.core.shed;

import dev.shed.core.cache.LowerUsers;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.RealPaths;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Read side of sheds and snapshots: their records, whether each shed runs (asked of the runner, i.e. the
 * mount table), and what that means for lowers — pinned manifests (GC roots, refcounts) and lowers in use.
 */
public final class ShedCatalog implements LowerUsers {
    private final StoreLayout layout;
    private final ShedRunner runner;
    private final MountTable mounts;
    final RecordDir<Shed> sheds;
    final RecordDir<Snapshot> snapshots;

    public ShedCatalog(StoreLayout layout, ShedRunner runner, MountTable mounts) {
        this.layout = layout;
        this.runner = runner;
        this.mounts = mounts;
        this.sheds = new RecordDir<>(layout.shedsDir(), Shed::toJson, Shed::fromJson);
        this.snapshots = new RecordDir<>(layout.snapshotsDir(), Snapshot::toJson, Snapshot::fromJson);
    }

    public StoreLayout layout() {
        return layout;
    }

    public ShedRunner runner() {
        return runner;
    }

    public List<Shed> sheds() throws IOException {
        return sheds.list();
    }

    public Optional<Shed> shed(String name) throws IOException {
        Names.check("shed", name);
        return sheds.get(name);
    }

    public List<Snapshot> snapshots() throws IOException {
        return snapshots.list();
    }

    public Optional<Snapshot> snapshot(String name) throws IOException {
        Names.check("snapshot", name);
        return snapshots.get(name);
    }

    public ShedPaths paths(String name) {
        return ShedPaths.of(layout, name);
    }

    public Path snapshotUpper(String name) {
        return snapshots.dataDir(name).resolve("upper");
    }

    public boolean isRunning(Shed shed) {
        return runner.isRunning(shed, paths(shed.name()));
    }

    /** Sheds and snapshots pinning {@code manifest}: the IN USE count of {@code shed image ls}. */
    public int pinCount(Digest manifest) throws IOException {
        int n = 0;
        for (Shed s : sheds()) if (s.manifest().equals(manifest)) n++;
        for (Snapshot s : snapshots()) if (s.manifest().equals(manifest)) n++;
        return n;
    }

    @Override
    public Set<Digest> pinned() throws IOException {
        Set<Digest> out = new LinkedHashSet<>();
        for (Shed s : sheds()) out.add(s.manifest());
        for (Snapshot s : snapshots()) out.add(s.manifest());
        return out;
    }

    /**
     * Lowers in use: those of running sheds, plus any cache file attached to a loop device (mounted by a shed
     * whose record is gone, by {@code shed image mount}, or by hand). A shared lower's image is attached like a
     * flat one (mount(8)'s own loop), so this covers both layouts; its data devices are in {@link #attachedFiles}.
     */
    @Override
    public Set<Digest> running() throws IOException {
        Set<Digest> out = new LinkedHashSet<>();
        for (Shed s : sheds()) if (isRunning(s)) out.add(s.manifest());
        Path cache = RealPaths.real(layout.cacheDir());
        for (Path f : mounts.loopBackingFiles()) {
            if (!cache.equals(f.getParent())) continue;
            String name = f.getFileName().toString();
            int dot = name.indexOf('.');
            if (dot > 0 && Digest.isValid("sha256:" + name.substring(0, dot))) out.add(new Digest(name.substring(0, dot)));
        }
        return out;
    }

    @Override
    public Set<Path> attachedFiles() {
        return mounts.loopBackingFiles();
    }

    /** Data dirs of sheds and snapshots whose record is gone (a crash during create or rm). */
    public List<Path> orphanDataDirs() throws IOException {
        List<Path> out = new java.util.ArrayList<>(sheds.orphanDataDirs());
        out.addAll(snapshots.orphanDataDirs());
        return out;
    }
}
