package dev.shed.erofs.source;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds a host directory tree into an {@link ErofsWriter}: types, permission bits, owners,
 * nanosecond mtimes, devices (unix:rdev), hardlinks (same unix:ino), symlinks (never followed) and
 * user.* xattrs (the only namespace java.nio exposes). The directory itself becomes the image root.
 *
 * <p>The walk is depth-first with each directory's names in unsigned byte order, which is the image's own order:
 * so the writer can put file data straight into place instead of spooling it. One stat per entry.
 */
public final class DirectorySource {
    private static final String ATTRIBUTES = "unix:mode,ino,dev,nlink,uid,gid,size,rdev,lastModifiedTime";
    private final Path root;

    public DirectorySource(Path root) {
        this.root = root;
    }

    public void writeTo(ErofsWriter writer) throws IOException {
        new Walk(writer).directory(root, "", stat(root));
    }

    /** One walk: remembers the first path of each multiply-linked file, so later ones become hardlinks. */
    private static final class Walk {
        private final ErofsWriter writer;
        private final Map<List<Object>, String> firstPathOfInode = new HashMap<>();

        Walk(ErofsWriter writer) {
            this.writer = writer;
        }

        void directory(Path dir, String path, Map<String, Object> attrs) throws IOException {
            writer.add(entry(dir, path, EntryType.DIRECTORY, attrs).build());
            for (Name child : sortedChildren(dir)) {
                Path p = dir.resolve(child.name());
                String childPath = path.isEmpty() ? child.name() : path + "/" + child.name();
                Map<String, Object> a = stat(p);
                if (((Integer) a.get("mode") & 0170000) == 0040000) {
                    directory(p, childPath, a);
                } else {
                    nonDirectory(p, childPath, a);
                }
            }
        }

        private void nonDirectory(Path file, String path, Map<String, Object> attrs) throws IOException {
            int type = (Integer) attrs.get("mode") & 0170000;
            if (type == 0100000 && (Integer) attrs.get("nlink") > 1) {
                String first = firstPathOfInode.putIfAbsent(List.of(attrs.get("dev"), attrs.get("ino")), path);
                if (first != null) {
                    writer.add(ErofsEntry.builder(path, EntryType.HARDLINK).linkTarget(first).build());
                    return;
                }
            }
            switch (type) {
                case 0100000 -> {
                    ErofsEntry e = entry(file, path, EntryType.FILE, attrs).size((Long) attrs.get("size")).build();
                    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                        writer.add(e, in);
                    }
                }
                case 0120000 -> writer.add(entry(file, path, EntryType.SYMLINK, attrs)
                        .linkTarget(Files.readSymbolicLink(file).toString()).build());
                case 0020000, 0060000 -> {
                    long rdev = (Long) attrs.get("rdev");
                    int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
                    int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
                    writer.add(entry(file, path, type == 0020000 ? EntryType.CHAR_DEVICE : EntryType.BLOCK_DEVICE, attrs)
                            .device(major, minor).build());
                }
                case 0010000 -> writer.add(entry(file, path, EntryType.FIFO, attrs).build());
                case 0140000 -> writer.add(entry(file, path, EntryType.SOCKET, attrs).build());
                default -> throw new IOException("unsupported file type " + Integer.toOctalString(type) + ": " + file);
            }
        }
    }

    /** A directory entry's name with its bytes, which is what it sorts by. */
    private record Name(String name, byte[] bytes) {}

    private static List<Name> sortedChildren(Path dir) throws IOException {
        List<Name> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                names.add(new Name(name, name.getBytes(StandardCharsets.UTF_8)));
            }
        }
        names.sort((a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes()));
        return names;
    }

    private static Map<String, Object> stat(Path p) throws IOException {
        return Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    }

    private static ErofsEntry.Builder entry(Path p, String path, EntryType type, Map<String, Object> a)
            throws IOException {
        Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
        ErofsEntry.Builder b = ErofsEntry.builder(path, type)
                .permissions((Integer) a.get("mode") & 07777)
                .owner((Integer) a.get("uid") & 0xffffffffL, (Integer) a.get("gid") & 0xffffffffL)
                .mtime(mtime.getEpochSecond(), mtime.getNano());
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
                b.xattr("user." + name, Arrays.copyOf(buf.array(), buf.position()));
            }
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            // filesystem without user xattrs: nothing to carry over
        }
    }
}
