package dev.shed.erofs.source;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashMap;
import java.util.Map;

/**
 * Feeds a host directory tree into an {@link ErofsWriter}: types, permission bits, owners,
 * nanosecond mtimes, devices (unix:rdev), hardlinks (same unix:ino), symlinks (never followed) and
 * user.* xattrs (the only namespace java.nio exposes). The directory itself becomes the image root.
 */
public final class DirectorySource {
    private final Path root;

    public DirectorySource(Path root) {
        this.root = root;
    }

    public void writeTo(ErofsWriter writer) throws IOException {
        Map<Object, String> firstPathOfInode = new HashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                writer.add(entry(dir, EntryType.DIRECTORY).build());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Map<String, Object> unix = Files.readAttributes(file, "unix:mode,ino,dev,nlink", LinkOption.NOFOLLOW_LINKS);
                int type = (Integer) unix.get("mode") & 0170000;
                if (type == 0100000 && (Integer) unix.get("nlink") > 1) {
                    Object key = java.util.List.of(unix.get("dev"), unix.get("ino"));
                    String first = firstPathOfInode.putIfAbsent(key, relative(file));
                    if (first != null) {
                        writer.add(ErofsEntry.builder(relative(file), EntryType.HARDLINK).linkTarget(first).build());
                        return FileVisitResult.CONTINUE;
                    }
                }
                switch (type) {
                    case 0100000 -> {
                        ErofsEntry e = entry(file, EntryType.FILE).size(Files.size(file)).build();
                        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                            writer.add(e, in);
                        }
                    }
                    case 0120000 -> writer.add(entry(file, EntryType.SYMLINK)
                            .linkTarget(Files.readSymbolicLink(file).toString()).build());
                    case 0020000, 0060000 -> {
                        long rdev = (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
                        int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
                        int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
                        writer.add(entry(file, type == 0020000 ? EntryType.CHAR_DEVICE : EntryType.BLOCK_DEVICE)
                                .device(major, minor).build());
                    }
                    case 0010000 -> writer.add(entry(file, EntryType.FIFO).build());
                    case 0140000 -> writer.add(entry(file, EntryType.SOCKET).build());
                    default -> throw new IOException("unsupported file type " + Integer.toOctalString(type) + ": " + file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private String relative(Path p) {
        return p.equals(root) ? "" : root.relativize(p).toString();
    }

    private ErofsEntry.Builder entry(Path p, EntryType type) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        ErofsEntry.Builder b = ErofsEntry.builder(relative(p), type)
                .permissions((Integer) a.get("mode") & 07777)
                .owner((Integer) a.get("uid") & 0xffffffffL, (Integer) a.get("gid") & 0xffffffffL)
                .mtime(mtime.toInstant().getEpochSecond(), mtime.toInstant().getNano());
        if (type != EntryType.SYMLINK) readUserXattrs(p, b);
        return b;
    }

    private static void readUserXattrs(Path p, ErofsEntry.Builder b) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) return;
        try {
            for (String name : view.list()) {
                ByteBuffer buf = ByteBuffer.allocate(view.size(name));
                view.read(name, buf);
                b.xattr("user." + name, java.util.Arrays.copyOf(buf.array(), buf.position()));
            }
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            // filesystem without user xattrs: nothing to carry over
        }
    }
}
