package dev.shed.core.flatten;

import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ExternalData;
import java.io.IOException;
import java.io.InputStream;

/**
 * Receives the merged tree, entry by entry, in a deterministic order (layers newest first, tar order within a
 * layer). Entries are final: the sink never sees an entry that a later call hides, except a duplicate path
 * within one layer, which comes again and replaces the earlier one (tar extraction semantics). Parents may
 * arrive after their children, or not at all (the sink creates them as plain directories).
 */
public interface FlattenSink {
    /** Any entry without data: directory, symlink, hardlink (target is an in-image path), device, fifo. */
    void add(ErofsEntry entry) throws IOException;

    /** A regular file; {@code data} yields exactly {@code file.size()} bytes and must be read before returning. */
    void add(ErofsEntry file, InputStream data) throws IOException;

    /**
     * A regular file whose data already sits on a layer's data device (a merge over layer indexes); only sinks that
     * write shared lowers take these.
     */
    default void add(ErofsEntry file, ExternalData data) throws IOException {
        throw new UnsupportedOperationException("this sink needs file data, not a placement: " + file.path());
    }
}
