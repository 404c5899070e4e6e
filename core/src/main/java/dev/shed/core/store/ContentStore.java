package dev.shed.core.store;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Content-addressed blobs under blobs/sha256/. Writes go through {@link BlobWriter} (ingest → verify → fsync →
 * atomic rename), so a blob file that exists is always complete and correct. Blobs are read-only on disk.
 */
public final class ContentStore {
    private final StoreLayout layout;
    private final FileLocks locks;

    public ContentStore(StoreLayout layout, FileLocks locks) {
        this.layout = layout;
        this.locks = locks;
    }

    /** Whether the blob is stored: a regular file of that name (a symlink planted there is not a blob). */
    public boolean exists(Digest d) {
        return StoreDirs.isRegularFile(layout.blob(d));
    }

    public Path path(Digest d) {
        return layout.blob(d);
    }

    public long size(Digest d) throws IOException {
        try {
            return Files.readAttributes(layout.blob(d), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(d);
        }
    }

    /** Opens a blob for reading; a symlink in its place is refused ({@link StoreLinkException}), never followed. */
    public InputStream open(Digest d) throws IOException {
        Path p = layout.blob(d);
        try {
            return Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new BlobNotFoundException(d);
        } catch (java.nio.file.FileSystemException e) {
            if (Files.isSymbolicLink(p)) throw StoreLinkException.of(p);
            throw e;
        }
    }

    public byte[] read(Digest d) throws IOException {
        try (InputStream in = open(d)) {
            return in.readAllBytes();
        }
    }

    /**
     * Starts writing a blob whose digest is known. Holds a per-digest lock until closed, so two processes
     * fetching the same blob do it one after the other; the second sees {@link #exists} and skips.
     * {@code resume}: keep bytes of an earlier interrupted attempt (see {@link BlobWriter#offset()}).
     */
    public BlobWriter writer(Digest expected, long expectedSize, boolean resume) throws IOException {
        StoreDirs.ensure(layout, layout.ingestDir());
        FileLocks.Held lock = locks.exclusive("blob-" + expected.hex());
        try {
            return new BlobWriter(this, layout.ingestDir().resolve(expected.hex() + ".partial"), expected, expectedSize,
                    lock, resume);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Starts writing a blob whose digest is not known in advance (e.g. a layer being generated). */
    public BlobWriter writerForNewContent() throws IOException {
        StoreDirs.ensure(layout, layout.ingestDir());
        String id = UUID.randomUUID().toString();
        FileLocks.Held lock = locks.exclusive("ingest-" + id);
        try {
            return new BlobWriter(this, layout.ingestDir().resolve(id + ".new"), null, -1, lock, false);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Stores bytes (manifests, configs) and returns their digest. A blob that exists is not written again. */
    public Digest put(byte[] bytes) throws IOException {
        Digest d = Digest.of(bytes);
        if (exists(d)) return d;
        try (BlobWriter w = writer(d, bytes.length, false)) {
            if (exists(d)) return d;
            w.write(bytes, 0, bytes.length);
            w.commit();
        }
        return d;
    }

    /** Copies a stream in, verifying it against the expected digest and size. */
    public Digest put(InputStream in, Digest expected, long expectedSize) throws IOException {
        if (exists(expected)) return expected;
        try (BlobWriter w = writer(expected, expectedSize, false)) {
            if (exists(expected)) return expected;
            w.writeAll(in);
            return w.commit();
        }
    }

    void publish(Path ingested, Digest digest) throws IOException {
        Path target = layout.blob(digest);
        StoreDirs.ensure(layout, layout.blobsDir());
        if (exists(digest)) {
            Files.deleteIfExists(ingested);
            return;
        }
        try {
            StoreDirs.setMode(ingested, StoreDirs.READ_ONLY_MODE);
        } catch (UnsupportedOperationException ignored) {
            // non-POSIX filesystem
        }
        AtomicFiles.move(ingested, target); // replaces a symlink planted under the blob's name
    }

    /** Every blob digest on disk (files with non-digest names are ignored). */
    public List<Digest> list() {
        List<Digest> out = new ArrayList<>();
        try {
            if (!StoreDirs.exists(layout, layout.blobsDir())) return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (Stream<Path> s = Files.list(layout.blobsDir())) {
            s.forEach(p -> {
                String name = p.getFileName().toString();
                if (name.length() == 64 && Digest.isValid("sha256:" + name)) out.add(new Digest(name));
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    /**
     * Ingest files left by crashed writers: older than {@code minAge} and not locked by a live writer (checked
     * with a non-blocking try-lock, so in-progress writes are never reported). For prune; callers delete them
     * while holding the returned locks if they want to be strict, or simply delete (a writer that starts later
     * for the same digest truncates its file anyway).
     */
    public List<Path> staleIngestFiles(java.time.Duration minAge) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!StoreDirs.exists(layout, layout.ingestDir())) return out;
        java.time.Instant cutoff = java.time.Instant.now().minus(minAge);
        try (Stream<Path> s = Files.list(layout.ingestDir())) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String name = p.getFileName().toString();
                String lockName = name.endsWith(".partial") ? "blob-" + name.substring(0, name.length() - 8)
                        : name.endsWith(".new") ? "ingest-" + name.substring(0, name.length() - 4) : null;
                if (lockName == null) continue;
                if (Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff)) continue;
                var held = locks.tryExclusive(lockName);
                if (held.isEmpty()) continue;
                held.get().close();
                out.add(p);
            }
        }
        out.sort(null);
        return out;
    }

    /** Removes a blob. Callers hold the store's GC lock exclusively. */
    public boolean delete(Digest d) throws IOException {
        return Files.deleteIfExists(layout.blob(d));
    }

    /** Re-hashes a blob and reports whether its content matches its name. */
    public boolean verify(Digest d) throws IOException {
        var sha = Digest.newSha256();
        try (InputStream in = open(d)) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) sha.update(buf, 0, n);
        }
        return Digest.fromRaw(sha.digest()).equals(d);
    }
}
