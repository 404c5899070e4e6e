package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** Who needs lowers: what eviction must ask before deleting one. Implemented by the shed catalog. */
public interface LowerUsers {
    /** Manifests pinned by a shed or snapshot (their refcount is above zero). */
    Set<Digest> pinned() throws IOException;

    /** Manifests whose lower is mounted: by a running shed, {@code shed image mount}, or by hand. */
    Set<Digest> running() throws IOException;

    /**
     * Files attached to loop devices (real paths): a data device among them is in use by a mounted shared lower
     * and is never deleted, whatever the records say.
     */
    default Set<Path> attachedFiles() {
        return Set.of();
    }

    /** Nobody: for stores without sheds (tests, tools). */
    LowerUsers NONE = new LowerUsers() {
        @Override public Set<Digest> pinned() { return Set.of(); }
        @Override public Set<Digest> running() { return Set.of(); }
    };
}
