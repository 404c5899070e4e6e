package dev.shed.core.flatten;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Extracts the merged tree into a directory (for the mkfs.erofs backend and as a test aid). Paths come from the
 * flattener, already normalised and checked, and parents are created as real directories before children, never
 * followed through symlinks (a symlink at a parent path would have been refused or hidden by the merge). As root,
 * owners, devices, fifos and all xattr namespaces are kept; otherwise owners are left as the current user and
 * only user.* xattrs are written. Directory metadata is applied at {@link #finish()}, after their contents.
 */
public final class DirectorySink implements FlattenSink {
    private final Path root;
    private final boolean privileged;
    private final List<ErofsEntry> directories = new ArrayList<>();

    public DirectorySink(Path root) throws IOException {
        this.root = root;
        this.privileged = "root".equals(System.getProperty("user.name"));
        Files.createDirectories(root);
    }

    @Override
    public void add(ErofsEntry e) throws IOException {
        Path p = target(e.path());
        switch (e.type()) {
            case DIRECTORY:
                if (!e.path().isEmpty()) {
                    if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) Files.delete(p);
                    Files.createDirectories(p);
                }
                directories.add(e);
                return;
            case SYMLINK:
                replace(p);
                Files.createSymbolicLink(p, Path.of(e.linkTarget()));
                break;
            case HARDLINK:
                replace(p);
                Files.createLink(p, target(e.linkTarget()));
                return; // shares the target's inode and metadata
            case CHAR_DEVICE:
            case BLOCK_DEVICE:
            case FIFO:
            case SOCKET:
                replace(p);
                mknod(p, e);
                break;
            default:
                throw new IOException("unexpected entry type " + e.type() + " for " + e.path());
        }
        metadata(p, e);
    }

    @Override
    public void add(ErofsEntry file, InputStream data) throws IOException {
        Path p = target(file.path());
        replace(p);
        try (OutputStream out = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            byte[] buf = new byte[1 << 16];
            long left = file.size();
            while (left > 0) {
                int n = data.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) throw new IOException("data of " + file.path() + " ended early");
                out.write(buf, 0, n);
                left -= n;
            }
        }
        metadata(p, file);
    }

    /** Applies directory metadata (deepest first, so setting a parent's mtime comes after its children). */
    public void finish() throws IOException {
        directories.sort((a, b) -> b.path().compareTo(a.path()));
        for (ErofsEntry d : directories) metadata(target(d.path()), d);
        directories.clear();
    }

    private Path target(String path) throws IOException {
        Path p = path.isEmpty() ? root : root.resolve(path);
        if (!p.normalize().startsWith(root)) throw new IOException("refusing to write outside " + root + ": " + path);
        if (!path.isEmpty()) {
            Path parent = p.getParent();
            if (!Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) throw new IOException("parent of " + path + " is not a directory");
                Files.createDirectories(parent);
            }
        }
        return p;
    }

    private static void replace(Path p) throws IOException {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(p.toString(), null, "a directory is in the way");
        }
        Files.deleteIfExists(p);
    }

    private void mknod(Path p, ErofsEntry e) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mknod", "-m", Integer.toOctalString(e.permissions()), p.toString()));
        switch (e.type()) {
            case CHAR_DEVICE: cmd.addAll(List.of("c", Integer.toString(e.devMajor()), Integer.toString(e.devMinor()))); break;
            case BLOCK_DEVICE: cmd.addAll(List.of("b", Integer.toString(e.devMajor()), Integer.toString(e.devMinor()))); break;
            default: cmd.add("p"); break;
        }
        run(cmd, e.path());
    }

    private void metadata(Path p, ErofsEntry e) throws IOException {
        if (special(e.type())) {
            specialMetadata(p, e);
            return;
        }
        boolean link = e.type() == EntryType.SYMLINK;
        if (privileged) {
            Files.setAttribute(p, "unix:uid", (int) e.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", (int) e.gid(), LinkOption.NOFOLLOW_LINKS);
        }
        if (!link) Files.setAttribute(p, "unix:mode", e.permissions(), LinkOption.NOFOLLOW_LINKS);
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) xattr(p, e, x.getKey(), x.getValue(), link);
        FileTime t = FileTime.from(Instant.ofEpochSecond(e.mtimeSeconds(), e.mtimeNanos()));
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, t, null);
    }

    private static boolean special(EntryType t) {
        return t == EntryType.FIFO || t == EntryType.CHAR_DEVICE || t == EntryType.BLOCK_DEVICE || t == EntryType.SOCKET;
    }

    /**
     * Devices and fifos must never be opened (java.nio opens files to set attributes; a fifo open blocks), so their
     * owner, xattrs and times are set by path with chown/setfattr/touch (mknod already set the mode).
     */
    private void specialMetadata(Path p, ErofsEntry e) throws IOException {
        if (privileged) run(List.of("chown", "-h", e.uid() + ":" + e.gid(), p.toString()), e.path());
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
            if (privileged) {
                run(List.of("setfattr", "-h", "-n", x.getKey(), "-v", "0x" + java.util.HexFormat.of().formatHex(x.getValue()), p.toString()), e.path());
            }
        }
        run(List.of("touch", "-h", "-d", "@" + e.mtimeSeconds() + "." + String.format("%09d", e.mtimeNanos()), p.toString()), e.path());
    }

    private void xattr(Path p, ErofsEntry e, String name, byte[] value, boolean link) throws IOException {
        if (name.startsWith("user.") && !link) {
            UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
            v.write(name.substring(5), ByteBuffer.wrap(value));
        } else if (privileged) {
            List<String> cmd = new ArrayList<>(List.of("setfattr"));
            if (link) cmd.add("-h");
            cmd.addAll(List.of("-n", name, "-v", "0x" + java.util.HexFormat.of().formatHex(value), p.toString()));
            run(cmd, e.path());
        }
    }

    private static void run(List<String> cmd, String what) throws IOException {
        Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(pr.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        try {
            if (pr.waitFor() != 0) throw new IOException(cmd.get(0) + " failed for " + what + ": " + out);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", ie);
        }
    }
}
