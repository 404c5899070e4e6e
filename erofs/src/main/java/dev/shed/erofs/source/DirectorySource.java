package dev.shed.erofs.source;

import dev.shed.erofs.ErofsWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Feeds a host directory tree into an {@link ErofsWriter}: types, permission bits, owners,
 * nanosecond mtimes, devices (unix:rdev), hardlinks (same unix:ino), symlinks (never followed) and
 * user.* xattrs (the only namespace java.nio exposes). The directory itself becomes the image root.
 *
 * <p>Entries arrive in the image's own order (a sorted depth-first walk), so the writer can put file data straight
 * into place instead of spooling it. The walk and the reading of small files run ahead on a second thread (see
 * {@link ReadAheadWalk}); the writer is only called from the caller's thread.
 */
public final class DirectorySource {
    private final Path root;

    public DirectorySource(Path root) {
        this.root = root;
    }

    public void writeTo(ErofsWriter writer) throws IOException {
        try (ReadAheadWalk walk = new ReadAheadWalk(root)) {
            for (ReadAheadWalk.Item item = walk.next(); item != null; item = walk.next()) {
                if (item.data() != null) {
                    writer.add(item.entry(), new ByteArrayInputStream(item.data()));
                } else if (item.file() != null) {
                    try (InputStream in = Files.newInputStream(item.file(), LinkOption.NOFOLLOW_LINKS)) {
                        writer.add(item.entry(), in);
                    }
                } else {
                    writer.add(item.entry());
                }
            }
        }
    }
}
