package dev.shed.core.store;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The file a command writes its result to ({@code image export -o}, {@code image save -o}, {@code erofs build OUT}).
 *
 * <p>A regular file or a missing path gets the crash-safe treatment: the bytes go to a temp file beside it, which
 * is fsynced and renamed into place, so the path holds the old content or the whole new one. Anything else that
 * exists is a node the user points the output at ({@code /dev/null}, a FIFO another program reads, a terminal):
 * renaming over it would replace the node itself — as root, {@code -o /dev/null} would turn the host's
 * {@code /dev/null} into a regular file. Those are opened and written into instead. A block device is refused
 * unless the caller allows it ({@link #BLOCK_DEVICE_FLAG}): writing one overwrites a disk.
 *
 * <p>A symlink is followed: the temp file goes beside the file it names and the link stays. Names under
 * {@code /dev} and {@code /proc} ({@code /dev/stdout}, {@code /dev/fd/3}) stand for open descriptors, so even when
 * they lead to a regular file it is written through, as the shell's {@code >} would.
 *
 * <p>The parent directory must exist: an output path is never a reason to create directories.
 */
public final class OutputTarget implements Closeable {
    /** The flag every command that writes through an {@code OutputTarget} names to allow a block device. */
    public static final String BLOCK_DEVICE_FLAG = "--write-block-device";

    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;
    private static final int S_IFBLK = 0060000;

    /** How the bytes reach the target. */
    public enum Kind {
        /** Temp file beside the target, fsync, atomic rename. */
        FILE,
        /** Written into the existing node (character device, FIFO, descriptor name), appending. */
        STREAM,
        /** Written into the device from its first byte (only when allowed). */
        BLOCK_DEVICE
    }

    private final Path named;
    private final Path target;
    private final Kind kind;
    private Path temp;
    private Path stagingDir;
    private OutputStream stream;
    private boolean committed;

    private OutputTarget(Path named, Path target, Kind kind) {
        this.named = named;
        this.target = target;
        this.kind = kind;
    }

    /**
     * Checks where {@code path} leads. Fails with a one-line message naming the path when its directory is
     * missing, when it is a directory or a socket, or a block device without {@code allowBlockDevice}.
     */
    public static OutputTarget open(Path path, boolean allowBlockDevice) throws IOException {
        Path named = path.toAbsolutePath().normalize();
        if (!Files.exists(named, LinkOption.NOFOLLOW_LINKS)) {
            Path dir = named.getParent();
            if (dir == null || !Files.isDirectory(dir)) {
                throw new IOException("cannot write " + path + ": directory " + dir + " does not exist");
            }
            return new OutputTarget(named, named, Kind.FILE);
        }
        if (Files.isRegularFile(named, LinkOption.NOFOLLOW_LINKS)) return new OutputTarget(named, named, Kind.FILE);
        if (!Files.exists(named)) throw new IOException("cannot write " + path + ": it is a symlink to a missing file");
        if (Files.isDirectory(named)) throw new IOException("cannot write " + path + ": it is a directory");
        if (Files.isRegularFile(named)) {
            return isDescriptorName(named) ? new OutputTarget(named, named, Kind.STREAM)
                    : new OutputTarget(named, named.toRealPath(), Kind.FILE);
        }
        int type = (Integer) Files.getAttribute(named, "unix:mode") & S_IFMT;
        if (type == S_IFSOCK) throw new IOException("cannot write " + path + ": it is a socket");
        if (type == S_IFBLK) {
            if (!allowBlockDevice) {
                throw new IOException("refusing to write " + path + ": it is a block device (this would overwrite the "
                        + "device's content; pass " + BLOCK_DEVICE_FLAG + " to do that)");
            }
            return new OutputTarget(named, named, Kind.BLOCK_DEVICE);
        }
        return new OutputTarget(named, named, Kind.STREAM); // character device or FIFO
    }

    private static boolean isDescriptorName(Path p) {
        return p.startsWith("/dev") || p.startsWith("/proc");
    }

    public Kind kind() {
        return kind;
    }

    /** The path as the user named it (absolute). */
    public Path path() {
        return named;
    }

    /**
     * A stream for writers that write front to back. Closing it does not commit; call {@link #commit}.
     * For {@link Kind#STREAM} the target is opened now, which for a FIFO waits for a reader (as {@code cat > fifo}).
     */
    public OutputStream stream() throws IOException {
        if (stream != null || temp != null) throw new IllegalStateException("output already opened");
        FileChannel ch = switch (kind) {
            case FILE -> FileChannel.open(temp = tempBeside(), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            case STREAM -> FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            case BLOCK_DEVICE -> FileChannel.open(target, StandardOpenOption.WRITE);
        };
        stream = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
        return stream;
    }

    /**
     * A path for writers that need a seekable file (the EROFS writer patches its front at the end). For a file
     * target it is the temp file beside it; for a device or FIFO, a temp file in {@code java.io.tmpdir} whose bytes
     * {@link #commit} copies into the target. The file does not exist yet; the writer creates it.
     */
    public Path seekableFile() throws IOException {
        if (stream != null || temp != null) throw new IllegalStateException("output already opened");
        if (kind == Kind.FILE) {
            temp = tempBeside();
        } else {
            // a directory of our own (0700): nobody can plant a link at the name before the writer creates it
            stagingDir = Files.createTempDirectory("shed-output-");
            temp = stagingDir.resolve("output");
        }
        return temp;
    }

    private Path tempBeside() {
        return target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /** Makes the output final: fsync and rename for a file; copy into (and flush) a device or FIFO. */
    public void commit() throws IOException {
        if (committed) throw new IllegalStateException("already committed");
        if (stream != null) stream.close();
        if (kind == Kind.FILE) {
            if (temp == null) throw new IllegalStateException("nothing written");
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            keepModeOf(target, temp);
            AtomicFiles.move(temp, target);
            temp = null;
        } else if (temp != null) {
            try (FileChannel from = FileChannel.open(temp, StandardOpenOption.READ);
                 FileChannel to = kind == Kind.STREAM
                         ? FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND)
                         : FileChannel.open(target, StandardOpenOption.WRITE)) {
                long size = from.size();
                for (long pos = 0; pos < size; ) pos += from.transferTo(pos, size - pos, to);
                if (kind == Kind.BLOCK_DEVICE) to.force(true);
            }
        } else if (kind == Kind.BLOCK_DEVICE) {
            try (FileChannel ch = FileChannel.open(target, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
        }
        committed = true;
    }

    /** A file being replaced keeps its permission bits (a private 0600 output stays private). */
    private static void keepModeOf(Path existing, Path replacement) throws IOException {
        try {
            StoreDirs.setMode(replacement, Files.getPosixFilePermissions(existing, LinkOption.NOFOLLOW_LINKS));
        } catch (java.nio.file.NoSuchFileException | UnsupportedOperationException absent) {
            // a new file: the umask decides, as for any file a command creates
        }
    }

    /** Releases what is open; without a commit, a file target is left as it was (the temp file is removed). */
    @Override
    public void close() throws IOException {
        try {
            if (stream != null && !committed) stream.close();
        } catch (IOException ignored) {
            // the write already failed; what matters is removing the temp file
        } finally {
            if (temp != null) Files.deleteIfExists(temp);
            if (stagingDir != null) FileTrees.delete(stagingDir);
        }
    }
}
