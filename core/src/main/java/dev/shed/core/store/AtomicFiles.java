package dev.shed.core.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;

/** Crash-safe file replacement: write a temp file beside the target, fsync it, rename, fsync the directory. */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes a file of mode 0644 (records, index.json, config.json), whatever the umask. */
    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, StoreDirs.FILE_MODE);
    }

    /**
     * Replaces {@code target} with {@code content}, mode exactly {@code mode}. Its directory is created (0755) when
     * missing and must not be a symlink; a symlink at {@code target} itself is replaced, never written through.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> mode) throws IOException {
        Path dir = target.getParent();
        StoreDirs.createDirectories(dir);
        Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(StoreDirs.PRIVATE_FILE_MODE))) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            StoreDirs.setMode(tmp, mode);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Renames {@code from} over {@code to} atomically and makes the rename durable. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("store directory does not support atomic rename: " + to.getParent(), e);
        }
        fsyncDirectory(to.getParent());
    }

    public static void fsyncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException ignored) {
            // some filesystems refuse directory fsync; the rename itself is still atomic
        }
    }
}
