package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.util.Set;

/** Who needs lowers: what eviction must ask before deleting one. Implemented by the shed catalog. */
public interface LowerUsers {
    /** Manifests pinned by a shed or snapshot (their refcount is above zero). */
    Set<Digest> pinned() throws IOException;

    /** Manifests whose lower a running shed has mounted. */
    Set<Digest> running() throws IOException;

    /** Nobody: for stores without sheds (tests, tools). */
    LowerUsers NONE = new LowerUsers() {
        @Override public Set<Digest> pinned() { return Set.of(); }
        @Override public Set<Digest> running() { return Set.of(); }
    };
}
