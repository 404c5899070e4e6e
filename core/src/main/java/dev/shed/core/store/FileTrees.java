package dev.shed.core.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Directory trees of sheds and snapshots: copy keeping everything overlayfs needs, delete without following links. */
public final class FileTrees {
    private FileTrees() {}

    /**
     * Copies {@code from} to a new {@code to} with {@code cp -a --reflink=auto}: an overlay upper dir holds
     * whiteouts (0:0 char devices), {@code trusted.overlay.*} xattrs, owners and hardlinks, none of which
     * Files.copy keeps; cp -a keeps them all and shares extents on filesystems that reflink (btrfs, xfs).
     */
    public static void copy(Path from, Path to) throws IOException {
        Process p = new ProcessBuilder("cp", "-a", "--reflink=auto", "--", from.toString(), to.toString())
                .redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(1, TimeUnit.HOURS) || p.exitValue() != 0) {
                throw new IOException("copying " + from + " to " + to + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("copying " + from + " interrupted", e);
        }
    }

    /**
     * {@link #delete(Path)} for a tree inside a store: the directories from the root down to its parent are checked
     * first, so a symlink among them (a {@code shed/sheds} pointing elsewhere) is an error, never followed.
     */
    public static long deleteInStore(StoreLayout layout, Path tree) throws IOException {
        if (!StoreDirs.exists(layout, tree.toAbsolutePath().getParent())) return 0;
        return delete(tree);
    }

    /**
     * Deletes a tree; symlinks are removed, never followed. Each directory is opened relative to its parent's open
     * handle without following links ({@link SecureDirectoryStream}, openat/unlinkat), so a directory swapped for a
     * symlink while the walk runs cannot lead it out of the tree. Tolerates a concurrent delete of the same tree.
     * Returns the apparent bytes of the regular files removed.
     */
    public static long delete(Path root) throws IOException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(root, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return 0;
        }
        if (!attrs.isDirectory()) {
            Files.deleteIfExists(root);
            return attrs.isRegularFile() ? attrs.size() : 0;
        }
        Path parent = root.toAbsolutePath().getParent();
        Path name = root.getFileName();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent)) {
            if (!(ds instanceof SecureDirectoryStream<Path> sds)) return deleteByPath(root);
            long bytes = deleteChildren(sds, name);
            try {
                sds.deleteDirectory(name);
            } catch (NoSuchFileException gone) {
                // removed concurrently
            }
            return bytes;
        }
    }

    /** Deletes what is inside {@code parent/name}, a directory opened without following links. */
    private static long deleteChildren(SecureDirectoryStream<Path> parent, Path name) throws IOException {
        long bytes = 0;
        SecureDirectoryStream<Path> dir;
        try {
            dir = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return 0;
        }
        try (dir) {
            List<Path> children = new ArrayList<>();
            for (Path child : dir) children.add(child.getFileName());
            for (Path child : children) {
                BasicFileAttributes a;
                try {
                    a = dir.getFileAttributeView(child, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
                } catch (NoSuchFileException gone) {
                    continue;
                }
                try {
                    if (a.isDirectory()) {
                        bytes += deleteChildren(dir, child);
                        dir.deleteDirectory(child);
                    } else {
                        dir.deleteFile(child);
                        if (a.isRegularFile()) bytes += a.size();
                    }
                } catch (NoSuchFileException gone) {
                    // removed concurrently
                }
            }
        }
        return bytes;
    }

    /** Where the platform has no SecureDirectoryStream: a walk that does not follow links. */
    private static long deleteByPath(Path root) throws IOException {
        long[] bytes = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) bytes[0] += attrs.size();
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) throw exc;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
        return bytes[0];
    }

    /** Apparent bytes of the regular files in a tree (what {@code du -sb --apparent-size} counts for files). */
    public static long size(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return 0;
        long[] bytes = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) bytes[0] += attrs.size();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
        return bytes[0];
    }
}
