package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreDirs;
import dev.shed.core.store.StoreLayout;
import dev.shed.core.store.StoreLinkException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Optional;

/**
 * Last-use times of lowers for LRU (shed/usage/&lt;manifest-hex&gt;: an empty file whose mtime is the time).
 * Kept apart from the lower itself because the lower is read-only, and atime is unreliable (relatime, noatime).
 * A symlink in the place of a usage file is never followed: touching it is an error naming it, reading it
 * counts as no recorded use.
 */
public final class Usage {
    private final StoreLayout layout;
    private final Path dir;

    public Usage(StoreLayout layout) {
        this.layout = layout;
        this.dir = layout.usageDir();
    }

    public void touch(Digest manifest) throws IOException {
        touch(manifest, Instant.now());
    }

    public void touch(Digest manifest, Instant when) throws IOException {
        try {
            touchOnce(manifest, when);
        } catch (java.nio.file.NoSuchFileException forgottenMeanwhile) {
            touchOnce(manifest, when); // an eviction removed it between create and set: this use still counts
        }
    }

    private void touchOnce(Digest manifest, Instant when) throws IOException {
        StoreDirs.ensure(layout, dir);
        Path f = dir.resolve(manifest.hex());
        try {
            Files.newByteChannel(f, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(StoreDirs.FILE_MODE)).close();
            StoreDirs.setMode(f, StoreDirs.FILE_MODE);
        } catch (FileAlreadyExistsException exists) {
            // touched before (or by another process just now); CREATE_NEW never follows a symlink, so check what it is
            if (Files.isSymbolicLink(f)) throw StoreLinkException.of(f);
        }
        Files.getFileAttributeView(f, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.from(when), null, null);
    }

    public Optional<Instant> lastUsed(Digest manifest) {
        try {
            BasicFileAttributes a = Files.readAttributes(dir.resolve(manifest.hex()), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Optional.of(a.lastModifiedTime().toInstant()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public void forget(Digest manifest) throws IOException {
        Files.deleteIfExists(dir.resolve(manifest.hex()));
    }
}
