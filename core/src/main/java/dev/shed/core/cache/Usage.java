package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Optional;

/**
 * Last-use times of lowers for LRU (shed/usage/&lt;manifest-hex&gt;: an empty file whose mtime is the time).
 * Kept apart from the lower itself because the lower is read-only, and atime is unreliable (relatime, noatime).
 */
public final class Usage {
    private final Path dir;

    public Usage(StoreLayout layout) {
        this.dir = layout.usageDir();
    }

    public void touch(Digest manifest) throws IOException {
        touch(manifest, Instant.now());
    }

    public void touch(Digest manifest, Instant when) throws IOException {
        Files.createDirectories(dir);
        Path f = dir.resolve(manifest.hex());
        if (!Files.exists(f)) {
            try {
                Files.createFile(f);
            } catch (java.nio.file.FileAlreadyExistsException ignored) {
                // another process touched it first
            }
        }
        Files.setLastModifiedTime(f, FileTime.from(when));
    }

    public Optional<Instant> lastUsed(Digest manifest) {
        try {
            return Optional.of(Files.getLastModifiedTime(dir.resolve(manifest.hex())).toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void forget(Digest manifest) throws IOException {
        Files.deleteIfExists(dir.resolve(manifest.hex()));
    }
}
