package dev.shed.core.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A shed store rooted at one directory: the OCI layout (blobs, names) plus shed's own state. Open it with
 * {@link #open(Path)}; it is safe to use from several processes at once.
 */
public final class Store {
    /** Held shared by anything that writes content before naming it; prune takes it exclusively. */
    static final String GC_LOCK = "gc";

    private final StoreLayout layout;
    private final FileLocks locks;
    private final ContentStore blobs;
    private final ImageNames names;

    private Store(StoreLayout layout) {
        this.layout = layout;
        this.locks = new FileLocks(layout.locksDir());
        this.blobs = new ContentStore(layout, locks);
        this.names = new ImageNames(layout, locks, blobs);
    }

    /**
     * Opens (creating when absent) the store at {@code root}. Directories are created with fixed modes and a symlink
     * below the root where a store directory belongs is an error (see {@link StoreDirs}).
     */
    public static Store open(Path root) throws IOException {
        StoreLayout layout = new StoreLayout(root);
        StoreDirs.ensure(layout, layout.blobsDir());
        StoreDirs.ensure(layout, layout.stateDir());
        if (!Files.exists(layout.ociLayoutFile())) {
            AtomicFiles.write(layout.ociLayoutFile(), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        }
        if (!Files.exists(layout.indexFile())) {
            AtomicFiles.write(layout.indexFile(), ImageNames.render(List.of()));
        }
        return new Store(layout);
    }

    /** $SHED_ROOT, else ~/.local/share/shed. */
    public static Path defaultRoot() {
        String env = System.getenv("SHED_ROOT");
        if (env != null && !env.isBlank()) return Path.of(env);
        String data = System.getenv("XDG_DATA_HOME");
        if (data != null && !data.isBlank()) return Path.of(data, "shed");
        return Path.of(System.getProperty("user.home"), ".local", "share", "shed");
    }

    public StoreLayout layout() { return layout; }
    public ContentStore blobs() { return blobs; }
    public ImageNames names() { return names; }
    public FileLocks locks() { return locks; }

    /**
     * Marks a span of work that writes blobs and then names them (import, pull, load). Prune waits for all
     * such spans to end, so it never deletes content whose name has not landed yet.
     */
    public FileLocks.Held writeSession() {
        return locks.shared(GC_LOCK);
    }

    /** Exclusive access for garbage collection: no write session is in progress while held. */
    public FileLocks.Held gcSession() {
        return locks.exclusive(GC_LOCK);
    }

    /**
     * {@link #gcSession()} only if no write session is in progress now (or this thread already holds it
     * exclusively): lets eviction outside prune remove derived files that a write session may be about to name.
     */
    public java.util.Optional<FileLocks.Held> tryGcSession() {
        return locks.tryExclusive(GC_LOCK);
    }
}
