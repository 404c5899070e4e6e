package dev.shed.core.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Named cross-process locks (POSIX record locks on files under shed/locks/) that are also safe between
 * threads of one JVM: the JVM forbids overlapping FileLocks in one process, so each name has an in-process
 * read/write lock in front of one shared OS lock, held while any thread holds the name.
 */
public final class FileLocks {
    private final Path dir;
    /**
     * JVM-wide, keyed by lock file path: two Store instances on one root in one JVM (tests, a CLI run in-process)
     * must share the OS lock, since the JVM refuses a second FileLock on the same file.
     */
    private static final Map<String, Entry> ENTRIES = new HashMap<>();

    public FileLocks(Path dir) {
        this.dir = dir;
    }

    /** A held lock; closing releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Entry {
        final ReentrantReadWriteLock local = new ReentrantReadWriteLock(true);
        FileChannel channel;
        FileLock osLock;
        int holders;
        boolean osShared;
    }

    public Held exclusive(String name) {
        return acquire(name, false);
    }

    public Held shared(String name) {
        return acquire(name, true);
    }

    /**
     * Takes {@code name} exclusively only if no thread or process holds it now; empty otherwise. Lets cleanup
     * (prune of stale ingest files) skip work that is still in progress instead of waiting for it.
     */
    public java.util.Optional<Held> tryExclusive(String name) {
        Entry e;
        e = entry(name);
        var local = e.local.writeLock();
        if (!local.tryLock()) return java.util.Optional.empty();
        try {
            synchronized (e) {
                if (e.holders == 0) {
                    FileChannel ch = openLockFile(name);
                    FileLock os;
                    try {
                        os = ch.tryLock(0, Long.MAX_VALUE, false);
                    } catch (IOException ex) {
                        closeQuietly(ch);
                        throw new UncheckedIOException("cannot lock " + name, ex);
                    }
                    if (os == null) {
                        closeQuietly(ch);
                        local.unlock();
                        return java.util.Optional.empty();
                    }
                    e.channel = ch;
                    e.osLock = os;
                    e.osShared = false;
                }
                e.holders++;
            }
        } catch (RuntimeException ex) {
            local.unlock();
            throw ex;
        }
        return java.util.Optional.of(held(e, local));
    }

    private static void closeQuietly(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing was locked through it
        }
    }

    private Held acquire(String name, boolean shared) {
        Entry e;
        e = entry(name);
        var local = shared ? e.local.readLock() : e.local.writeLock();
        local.lock();
        try {
            synchronized (e) {
                if (e.holders == 0) {
                    FileChannel ch = openLockFile(name);
                    try {
                        e.osLock = lockOs(ch, shared, name);
                    } catch (RuntimeException ex) {
                        closeQuietly(ch); // e.g. interrupted while waiting: don't leak the descriptor
                        throw ex;
                    }
                    e.channel = ch;
                    e.osShared = shared;
                } else if (!shared && e.osShared) {
                    throw new IllegalStateException("lock upgrade not supported: " + name);
                }
                e.holders++;
            }
        } catch (RuntimeException ex) {
            local.unlock();
            throw ex;
        }
        return held(e, local);
    }

    private static Held held(Entry entry, java.util.concurrent.locks.Lock local) {
        return new Held() {
            private boolean closed;

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                synchronized (entry) {
                    if (--entry.holders == 0) {
                        try {
                            entry.osLock.release();
                            entry.channel.close();
                        } catch (IOException ignored) {
                            // closing the channel releases the OS lock regardless
                        }
                        entry.osLock = null;
                        entry.channel = null;
                    }
                }
                local.unlock();
            }
        };
    }

    private Entry entry(String name) {
        String key = dir.toAbsolutePath().normalize().resolve(name + ".lock").toString();
        synchronized (ENTRIES) {
            return ENTRIES.computeIfAbsent(key, k -> new Entry());
        }
    }

    private FileChannel openLockFile(String name) {
        Path file = dir.resolve(name + ".lock");
        try {
            StoreDirs.ensureDirectory(dir, StoreDirs.PRIVATE_DIR_MODE);
            try {
                FileChannel ch = FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                        StandardOpenOption.READ), PosixFilePermissions.asFileAttribute(StoreDirs.PRIVATE_FILE_MODE));
                StoreDirs.setMode(file, StoreDirs.PRIVATE_FILE_MODE); // exactly 0600, whatever the umask
                return ch;
            } catch (FileAlreadyExistsException exists) {
                return FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            }
        } catch (StoreLinkException ex) {
            throw new UncheckedIOException(ex);
        } catch (IOException ex) {
            if (Files.isSymbolicLink(file)) throw new UncheckedIOException(StoreLinkException.of(file));
            throw new UncheckedIOException("cannot open lock " + name + " in " + dir, ex);
        }
    }

    /**
     * Blocks for the OS lock. POSIX locks belong to processes, not threads, so the kernel's deadlock check (EDEADLK,
     * "Resource deadlock avoided") also fires on cycles that only exist at process level — process A's thread 1
     * waits for a lock B holds while B's thread 2 waits for one A's thread 2 holds, each holder about to finish
     * (parallel data-device builds of two materializations sharing layers do this). Such a wait is retried after a
     * short pause instead of failing the command.
     */
    private static FileLock lockOs(FileChannel ch, boolean shared, String name) {
        for (int attempt = 0; ; attempt++) {
            try {
                return ch.lock(0, Long.MAX_VALUE, shared);
            } catch (IOException ex) {
                String why = String.valueOf(ex.getMessage()).toLowerCase(java.util.Locale.ROOT);
                if (!why.contains("deadlock") || attempt >= 10_000) throw new UncheckedIOException("cannot lock " + name, ex);
                try {
                    Thread.sleep(5 + java.util.concurrent.ThreadLocalRandom.current().nextInt(20));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new UncheckedIOException("interrupted while waiting for lock " + name, ex);
                }
            }
        }
    }
}
