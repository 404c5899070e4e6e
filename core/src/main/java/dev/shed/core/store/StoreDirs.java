package dev.shed.core.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Directories under a store root: created with fixed modes (never the umask's), and never entered through a
 * symlink.
 *
 * <p>Modes: directories are 0755, except where content is private or in progress — {@code shed/tmp},
 * {@code shed/ingest} and {@code shed/locks} are 0700 (scratch files and half-written blobs are nobody else's
 * business, and another user holding a lock file open could stall every shed command). Blobs and lowers are 0444,
 * records, {@code index.json} and {@code config.json} 0644, lock files 0600. A directory that exists is left as
 * it is: its owner chose its mode.
 *
 * <p>Links: the root itself may be a symlink (a store kept on another disk; {@link StoreLayout} uses its target);
 * nothing below it may be. A symlink
 * where shed expects one of its directories ({@code shed/tmp} pointing elsewhere) is an error naming the path,
 * never followed: prune would otherwise delete, and writers write, in the directory it names.
 */
public final class StoreDirs {
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwxr-xr-x");
    public static final Set<PosixFilePermission> PRIVATE_DIR_MODE = PosixFilePermissions.fromString("rwx------");
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r--r--");
    public static final Set<PosixFilePermission> PRIVATE_FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> READ_ONLY_MODE = PosixFilePermissions.fromString("r--r--r--");

    private StoreDirs() {}

    /** The mode a new directory gets: 0700 for the private ones, else 0755. */
    public static Set<PosixFilePermission> modeOf(StoreLayout layout, Path dir) {
        return dir.equals(layout.tmpDir()) || dir.equals(layout.ingestDir()) || dir.equals(layout.locksDir())
                ? PRIVATE_DIR_MODE : DIR_MODE;
    }

    /** {@link #ensure(StoreLayout, Path, Set)} with the directory's usual mode ({@link #modeOf}). */
    public static Path ensure(StoreLayout layout, Path dir) throws IOException {
        return ensure(layout, dir, modeOf(layout, dir));
    }

    /**
     * Makes {@code dir} (under the root) exist as a real directory: the root and every directory between it and
     * {@code dir} that is missing is created with its mode ({@code mode} for {@code dir} itself); any of them that
     * exists must be a directory, not a symlink. Returns {@code dir}.
     */
    public static Path ensure(StoreLayout layout, Path dir, Set<PosixFilePermission> mode) throws IOException {
        Path root = layout.root();
        ensureRoot(root);
        Path cur = root;
        for (String name : relative(layout, dir)) {
            cur = cur.resolve(name);
            ensureDirectory(cur, cur.equals(dir) ? mode : modeOf(layout, cur));
        }
        return dir;
    }

    /**
     * Whether {@code dir} (under the root) exists as a directory: false when it or a directory above it is missing;
     * a {@link StoreLinkException} when a symlink (or a file) stands where a directory belongs.
     */
    public static boolean exists(StoreLayout layout, Path dir) throws IOException {
        Path cur = layout.root();
        if (!Files.isDirectory(cur)) return false;
        for (String name : relative(layout, dir)) {
            cur = cur.resolve(name);
            BasicFileAttributes a = attributes(cur);
            if (a == null) return false;
            require(cur, a);
        }
        return true;
    }

    /** Fails unless {@code dir} (under the root) exists as a real directory, with no symlink on the way. */
    public static void requireUnder(StoreLayout layout, Path dir) throws IOException {
        if (!exists(layout, dir)) throw new NoSuchFileException(dir.toString());
    }

    /** One level: creates {@code dir} with {@code mode} if missing; an existing one must be a real directory. */
    public static void ensureDirectory(Path dir, Set<PosixFilePermission> mode) throws IOException {
        BasicFileAttributes a = attributes(dir);
        if (a != null) {
            require(dir, a);
            return;
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(mode));
            setMode(dir, mode); // the umask may have taken bits away
        } catch (FileAlreadyExistsException e) {
            requireDirectory(dir); // made by another process just now
        }
    }

    /**
     * For callers that know a directory but not the root it is under: creates it and its missing parents 0755;
     * when it exists it must be a real directory (the directories above it are their caller's to check).
     */
    public static void createDirectories(Path dir) throws IOException {
        createDirectories(dir, DIR_MODE);
    }

    /** {@link #createDirectories(Path)}, {@code dir} itself (when created) with {@code mode}. */
    public static void createDirectories(Path dir, Set<PosixFilePermission> mode) throws IOException {
        if (attributes(dir) == null) {
            Path parent = dir.getParent();
            if (parent != null && !Files.isDirectory(parent)) createDirectories(parent, DIR_MODE);
            ensureDirectory(dir, mode);
        } else {
            requireDirectory(dir);
        }
    }

    /** Fails with {@link StoreLinkException} when {@code dir} is a symlink, and when it is not a directory. */
    public static void requireDirectory(Path dir) throws IOException {
        BasicFileAttributes a = attributes(dir);
        if (a == null) throw new NoSuchFileException(dir.toString());
        require(dir, a);
    }

    /** Sets exact permission bits, on the path itself (never through a symlink). */
    public static void setMode(Path p, Set<PosixFilePermission> mode) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view != null) view.setPermissions(mode);
    }

    /** Whether {@code p} is a regular file itself (not a symlink to one). */
    public static boolean isRegularFile(Path p) {
        return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
    }

    private static void require(Path p, BasicFileAttributes a) throws IOException {
        if (a.isSymbolicLink()) throw StoreLinkException.of(p);
        if (!a.isDirectory()) throw new IOException("store path " + p + " is not a directory");
    }

    private static BasicFileAttributes attributes(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** Creates a missing root and its missing parents 0755; an existing root may be a symlink to a directory. */
    private static void ensureRoot(Path root) throws IOException {
        if (Files.isDirectory(root)) return;
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(root)) {
            throw new IOException("store root " + root + " is not a directory");
        }
        Path parent = root.getParent();
        if (parent != null && !Files.isDirectory(parent)) ensureRoot(parent);
        try {
            Files.createDirectory(root, PosixFilePermissions.asFileAttribute(DIR_MODE));
            setMode(root, DIR_MODE);
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(root)) throw new IOException("store root " + root + " is not a directory");
        }
    }

    /** The names from the root down to {@code dir} (none for the root itself). */
    private static List<String> relative(StoreLayout layout, Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        if (!d.startsWith(layout.root())) throw new IllegalArgumentException(dir + " is not under the store root " + layout.root());
        List<String> names = new ArrayList<>();
        for (Path n : layout.root().relativize(d)) if (!n.toString().isEmpty()) names.add(n.toString());
        return names;
    }
}
