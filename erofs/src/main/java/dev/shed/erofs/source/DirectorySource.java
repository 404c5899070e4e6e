package dev.shed.erofs.source;

import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Reads a host directory tree as entries: types, permission bits, owners, nanosecond mtimes, devices (unix:rdev),
 * hardlinks (same unix:ino), symlinks (never followed) and every xattr namespace the caller may read, bytes
 * exact ({@link NativeXattrs}; as root that is all of them). The directory itself becomes the root entry (path "").
 * Only directories and regular files are ever opened: a FIFO, socket or device node is described, never touched.
 *
 * <p>Entries arrive in the image's own order (a sorted depth-first walk, names in unsigned byte order), so an
 * {@link ErofsWriter} can put file data straight into place instead of spooling it. The walk and the reading of
 * small files run ahead on a second thread (see {@link ReadAheadWalk}); the sink is only called from the caller's
 * thread.
 */
public final class DirectorySource {
    /** Where the entries go: an {@link ErofsWriter}, or anything else that takes them in the same form. */
    public interface Sink {
        /** An entry without data: directory, symlink, hardlink (to the inode's first path), device, fifo, socket. */
        void add(ErofsEntry entry) throws IOException;

        /** A regular file; {@code data} is its content as read now (a file that changed may give more or less). */
        void add(ErofsEntry file, InputStream data) throws IOException;
    }

    private final Path root;

    public DirectorySource(Path root) {
        this.root = root;
    }

    public void writeTo(ErofsWriter writer) throws IOException {
        writeTo(new Sink() {
            @Override
            public void add(ErofsEntry entry) throws IOException {
                writer.add(entry);
            }

            @Override
            public void add(ErofsEntry file, InputStream data) throws IOException {
                writer.add(file, data);
            }
        });
    }

    public void writeTo(Sink sink) throws IOException {
        // A symlink to the tree is followed here only, so the root entry is the directory's, not the link's.
        try (ReadAheadWalk walk = new ReadAheadWalk(root.toRealPath())) {
            for (ReadAheadWalk.Item item = walk.next(); item != null; item = walk.next()) {
                if (item.data() != null) {
                    sink.add(item.entry(), new ByteArrayInputStream(item.data()));
                } else if (item.file() != null) {
                    try (InputStream in = Files.newInputStream(item.file(), LinkOption.NOFOLLOW_LINKS)) {
                        sink.add(item.entry(), in);
                    }
                } else {
                    sink.add(item.entry());
                }
            }
        }
    }
}
