package dev.shed.core.image.build;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a directory tree into a tar as it is on disk: owners (numeric), permission bits incl. setuid/setgid/sticky,
 * whole-second mtimes, symlinks, hardlinks (second and later names of an inode become links to the first),
 * char/block devices, fifos and {@code user.*} xattrs (PAX SCHILY.xattr). Entries are sorted by name (UTF-16 order
 * of each path component, parents before children) and carry no user/group names or access times, so the same tree
 * always gives the same bytes. Sockets are skipped, like docker does.
 */
public final class DirectoryTar {
    private static final int S_IFMT = 0170000, S_IFDIR = 040000, S_IFREG = 0100000, S_IFLNK = 0120000,
            S_IFCHR = 020000, S_IFBLK = 060000, S_IFIFO = 010000;

    private final Path root;
    private final TarArchiveOutputStream out;
    private final Map<String, String> firstNameOfInode = new HashMap<>();

    private DirectoryTar(Path root, TarArchiveOutputStream out) {
        this.root = root;
        this.out = out;
    }

    public static void write(Path root, TarArchiveOutputStream out) throws IOException {
        if (!Files.isDirectory(root)) throw new java.nio.file.NotDirectoryException(root.toString());
        new DirectoryTar(root, out).children(root, "");
    }

    private void children(Path dir, String prefix) throws IOException {
        List<Path> kids;
        try (Stream<Path> s = Files.list(dir)) {
            kids = new ArrayList<>(s.toList());
        }
        kids.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        for (Path p : kids) entry(p, prefix + p.getFileName());
    }

    private void entry(Path p, String name) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,ino,dev,rdev,nlink,lastModifiedTime,size", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int type = mode & S_IFMT;
        TarArchiveEntry e;
        switch (type) {
            case S_IFDIR -> e = new TarArchiveEntry(name + "/", TarConstants.LF_DIR, true);
            case S_IFLNK -> {
                e = new TarArchiveEntry(name, TarConstants.LF_SYMLINK, true);
                e.setLinkName(Files.readSymbolicLink(p).toString());
            }
            case S_IFREG -> {
                String inode = a.get("dev") + ":" + a.get("ino");
                String first = ((Integer) a.get("nlink")) > 1 ? firstNameOfInode.putIfAbsent(inode, name) : null;
                if (first != null) {
                    e = new TarArchiveEntry(name, TarConstants.LF_LINK, true);
                    e.setLinkName(first);
                } else {
                    e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
                    e.setSize((Long) a.get("size"));
                }
            }
            case S_IFCHR, S_IFBLK -> {
                e = new TarArchiveEntry(name, type == S_IFCHR ? TarConstants.LF_CHR : TarConstants.LF_BLK, true);
                long rdev = (Long) a.get("rdev");
                e.setDevMajor((int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)));
                e.setDevMinor((int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL)));
            }
            case S_IFIFO -> e = new TarArchiveEntry(name, TarConstants.LF_FIFO, true);
            default -> {
                return; // sockets and anything else tar can't carry
            }
        }
        e.setMode(mode & 07777);
        e.setUserId(((Integer) a.get("uid")).longValue());
        e.setGroupId(((Integer) a.get("gid")).longValue());
        e.setUserName("");
        e.setGroupName("");
        long seconds = ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis() / 1000;
        e.setModTime(seconds * 1000);
        if (type == S_IFREG || type == S_IFDIR) addXattrs(p, e);
        out.putArchiveEntry(e);
        if (e.isFile() && !e.isLink() && e.getSize() > 0) {
            long copied = Files.copy(p, new BoundedStream(out, e.getSize(), p));
            if (copied != e.getSize()) throw new IOException(p + " changed size while being read (" + copied + " of " + e.getSize() + " bytes)");
        }
        out.closeArchiveEntry();
        if (type == S_IFDIR) children(p, name + "/");
    }

    private static void addXattrs(Path p, TarArchiveEntry e) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
        if (view == null) return;
        try {
            Map<String, String> sorted = new TreeMap<>();
            for (String n : view.list()) {
                ByteBuffer buf = ByteBuffer.allocate(view.size(n));
                view.read(n, buf);
                sorted.put("SCHILY.xattr.user." + n, new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
            }
            sorted.forEach(e::addPaxHeader);
        } catch (IOException | UnsupportedOperationException ignored) {
            // filesystem without user xattrs, or unreadable: the entry goes without them
        }
    }

    /** Refuses to write past the size announced in the header (a file that grew while being read). */
    private static final class BoundedStream extends java.io.FilterOutputStream {
        private long left;
        private final Path file;

        BoundedStream(java.io.OutputStream out, long size, Path file) {
            super(out);
            this.left = size;
            this.file = file;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) throw new IOException(file + " grew while being read");
            out.write(b, off, len);
            left -= len;
        }

        @Override
        public void close() {}
    }
}
