package dev.shed.erofs.source;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;

/**
 * Walks a directory tree on its own thread, ahead of the writer: stats each entry, reads its xattrs (every namespace,
 * by path: {@link NativeXattrs}; only regular files are ever opened, to read their data), and reads
 * small files whole, handing the results over in walk order through a bounded queue. A sorted walk ends in long
 * runs of small files (/usr/share, /var) where these per-file system calls, not compression, set the pace; on a
 * second thread they overlap with the writer's own per-file work. Memory is bounded: at most
 * {@value #MAX_QUEUED} entries and {@value #BUDGET_MB} MiB of file bytes are read ahead.
 *
 * <p>The walk is depth-first with each directory's names in unsigned byte order, which is the image's own order.
 */
final class ReadAheadWalk implements AutoCloseable {
    /** Files up to this size are read ahead whole; larger ones are streamed by the consumer. */
    private static final int READ_AHEAD_MAX = 1 << 20;
    private static final int MAX_QUEUED = 4096;
    private static final int BUDGET_MB = 8;
    private static final String ATTRIBUTES = "unix:mode,ino,dev,nlink,uid,gid,size,rdev,lastModifiedTime";
    private static final Object END = new Object();

    /**
     * One entry of the walk: for a regular file, its bytes (read ahead, holding {@code budgetKib} of the budget
     * until taken) or its path (to stream).
     */
    record Item(ErofsEntry entry, byte[] data, Path file, int budgetKib) {
        Item(ErofsEntry entry) {
            this(entry, null, null, 0);
        }
    }

    private final Path root;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(MAX_QUEUED);
    /** Permits are KiB of file data read ahead and not yet taken. */
    private final Semaphore budget = new Semaphore(BUDGET_MB << 10);
    private final Map<List<Object>, String> firstPathOfInode = new HashMap<>();
    private final NativeXattrs xattrs;
    private final Thread thread;

    ReadAheadWalk(Path root) throws IOException {
        this.root = root;
        this.xattrs = new NativeXattrs();   // used by the walk's thread only
        this.thread = new Thread(this::run, "erofs-walk");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next entry in walk order, or null at the end. Rethrows what stopped the walk. */
    Item next() throws IOException {
        Object o;
        try {
            o = queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while walking " + root);
        }
        if (o == END) return null;
        if (o instanceof IOException e) throw new IOException(e.getMessage(), e);
        if (o instanceof RuntimeException e) throw e;
        if (o instanceof Error e) throw e;
        Item item = (Item) o;
        budget.release(item.budgetKib());
        return item;
    }

    /** Stops the walk (if still running) and waits for its thread. */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        Object last = END;
        try {
            directory(root, "", stat(root));
        } catch (InterruptedException e) {
            return;   // closed by the consumer: nobody is listening
        } catch (IOException | RuntimeException | Error e) {
            last = e;
        }
        try {
            queue.put(last);
        } catch (InterruptedException e) {
            // closed by the consumer
        }
    }

    private void directory(Path dir, String path, Map<String, Object> attrs) throws IOException, InterruptedException {
        emit(new Item(entry(dir, path, EntryType.DIRECTORY, attrs).build()));
        for (Name child : sortedChildren(dir)) {
            Path p = child.path();
            String childPath = path.isEmpty() ? child.name() : path + "/" + child.name();
            Map<String, Object> a = stat(p);
            if (((Integer) a.get("mode") & 0170000) == 0040000) {
                directory(p, childPath, a);
            } else {
                nonDirectory(p, childPath, a);
            }
        }
    }

    private void nonDirectory(Path file, String path, Map<String, Object> attrs) throws IOException, InterruptedException {
        int type = (Integer) attrs.get("mode") & 0170000;
        if (type == 0100000 && (Integer) attrs.get("nlink") > 1) {
            String first = firstPathOfInode.putIfAbsent(List.of(attrs.get("dev"), attrs.get("ino")), path);
            if (first != null) {
                emit(new Item(ErofsEntry.builder(path, EntryType.HARDLINK).linkTarget(first).build()));
                return;
            }
        }
        ErofsEntry e = switch (type) {
            case 0100000 -> entry(file, path, EntryType.FILE, attrs).size((Long) attrs.get("size")).build();
            case 0120000 -> entry(file, path, EntryType.SYMLINK, attrs)
                    .linkTarget(Files.readSymbolicLink(file).toString()).build();
            case 0020000, 0060000 -> {
                long rdev = (Long) attrs.get("rdev");
                int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
                int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
                yield entry(file, path, type == 0020000 ? EntryType.CHAR_DEVICE : EntryType.BLOCK_DEVICE, attrs)
                        .device(major, minor).build();
            }
            case 0010000 -> entry(file, path, EntryType.FIFO, attrs).build();
            case 0140000 -> entry(file, path, EntryType.SOCKET, attrs).build();
            default -> throw new IOException("unsupported file type " + Integer.toOctalString(type) + ": " + file);
        };
        if (type != 0100000) {
            emit(new Item(e));
        } else if (e.size() > READ_AHEAD_MAX) {
            emit(new Item(e, null, file, 0));
        } else {
            // Read as it is now: if it changed size since the stat, the writer reports the mismatch.
            int kib = (int) ((e.size() + 1023) >> 10);
            budget.acquire(kib);
            emit(new Item(e, Files.readAllBytes(file), null, kib));
        }
    }

    private void emit(Item item) throws InterruptedException {
        queue.put(item);
    }

    /** A directory entry: its name, the name's bytes (what it sorts by), and its path. */
    private record Name(String name, byte[] bytes, Path path) {}

    private static List<Name> sortedChildren(Path dir) throws IOException {
        List<Name> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                String name = p.getFileName().toString();
                // Image paths are strings: a name that is not valid UTF-8 would come out changed, so refuse it.
                if (!dir.resolve(name).equals(p)) {
                    throw new IOException("file name is not valid UTF-8 (or not in the locale's charset) in " + dir
                            + ": " + name);
                }
                names.add(new Name(name, name.getBytes(StandardCharsets.UTF_8), p));
            }
        }
        names.sort((a, b) -> Arrays.compareUnsigned(a.bytes(), b.bytes()));
        return names;
    }

    private static Map<String, Object> stat(Path p) throws IOException {
        return Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    }

    private ErofsEntry.Builder entry(Path p, String path, EntryType type, Map<String, Object> a) throws IOException {
        Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant();
        ErofsEntry.Builder b = ErofsEntry.builder(path, type)
                .permissions((Integer) a.get("mode") & 07777)
                .owner((Integer) a.get("uid") & 0xffffffffL, (Integer) a.get("gid") & 0xffffffffL)
                .mtime(mtime.getEpochSecond(), mtime.getNano());
        return b.xattrs(xattrs.read(p));
    }
}
