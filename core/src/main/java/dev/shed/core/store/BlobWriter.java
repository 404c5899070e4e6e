package dev.shed.core.store;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One blob being written into the ingest area. Bytes are hashed as they stream in; {@link #commit} verifies
 * digest and size, fsyncs and renames the file into blobs/sha256/ so readers never see a partial blob.
 * A writer for a known digest may start at a non-zero offset (the bytes already on disk from an interrupted
 * attempt are re-hashed first) so downloads can resume with HTTP Range.
 *
 * <p>Large blobs are flushed to disk behind the writer ({@link #FLUSH_BEHIND_BYTES}): without it the kernel
 * holds a few hundred MB of a pull dirty in memory and the fsync at commit writes them all while the pull waits.
 */
public final class BlobWriter implements AutoCloseable {
    /** Unflushed bytes after which a background fdatasync starts (one at a time per blob). */
    static final long FLUSH_BEHIND_BYTES = 16L << 20;
    private static final ExecutorService FLUSHER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "blob-flush");
        t.setDaemon(true);
        return t;
    });

    private final ContentStore store;
    private final Path file;
    private final Digest expected;
    private final long expectedSize;
    private final FileLocks.Held lock;
    private final FileChannel channel;
    private final MessageDigest sha = Digest.newSha256();
    private long written;
    private boolean done;
    private Digest verified;
    private long unflushed;
    private Future<?> flushing;

    BlobWriter(ContentStore store, Path file, Digest expected, long expectedSize, FileLocks.Held lock, boolean resume)
            throws IOException {
        this.store = store;
        this.file = file;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.lock = lock;
        if (!resume) Files.deleteIfExists(file);
        // NOFOLLOW: a symlink planted under the ingest name must not be written through
        try {
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileSystemException e) {
            if (Files.isSymbolicLink(file)) throw StoreLinkException.of(file);
            throw e;
        }
        if (resume) rehashExisting();
    }

    private void rehashExisting() throws IOException {
        long size = channel.size();
        if (expectedSize >= 0 && size > expectedSize) {
            channel.truncate(0);
            size = 0;
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 16);
        long pos = 0;
        while (pos < size) {
            buf.clear();
            int n = channel.read(buf, pos);
            if (n < 0) break;
            sha.update(buf.array(), 0, n);
            pos += n;
        }
        written = pos;
        channel.position(pos);
    }

    /** Bytes already in the file: where a resumed download starts. */
    public long offset() {
        return written;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        write(ByteBuffer.wrap(b, off, len));
    }

    /**
     * Hashes and appends the buffer's remaining bytes (consuming them). Lets a network client hand over its own
     * buffers without another copy.
     */
    public void write(ByteBuffer src) throws IOException {
        if (done || verified != null) throw new IllegalStateException("writer already finished");
        int len = src.remaining();
        if (expectedSize >= 0 && written + len > expectedSize) {
            // Too long can never become right: drop the bytes now instead of leaving a partial for a resume.
            done = true;
            discard();
            throw new BlobMismatchException(what() + ": more than the expected " + expectedSize + " bytes");
        }
        sha.update(src.duplicate());
        while (src.hasRemaining()) channel.write(src);
        written += len;
        unflushed += len;
        if (unflushed >= FLUSH_BEHIND_BYTES && (flushing == null || flushing.isDone())) {
            unflushed = 0;
            flushing = FLUSHER.submit(() -> {
                channel.force(false);
                return null;
            });
        }
    }

    /** Waits for a background flush; its failure only matters through the final fsync, which repeats it. */
    private void awaitFlush() throws IOException {
        if (flushing == null) return;
        try {
            flushing.get();
        } catch (ExecutionException ignored) {
            // the fsync in verify() reports a real I/O error
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while flushing " + what());
        }
    }

    /** Copies the whole stream in. */
    public void writeAll(InputStream in) throws IOException {
        byte[] buf = new byte[1 << 16];
        int n;
        while ((n = in.read(buf)) > 0) write(buf, 0, n);
    }

    public OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                BlobWriter.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                BlobWriter.this.write(b, off, len);
            }
        };
    }

    /**
     * Checks digest and size and makes the bytes durable, without publishing yet: lets an importer verify every
     * blob of an archive before any of them becomes visible. Throws {@link BlobMismatchException} (and discards
     * the bytes) on a mismatch. Idempotent.
     */
    public Digest verify() throws IOException {
        if (verified != null) return verified;
        if (done) throw new IllegalStateException("already finished");
        try {
            Digest actual = Digest.fromRaw(sha.digest());
            if (expectedSize >= 0 && written != expectedSize) {
                throw new BlobMismatchException(what() + ": got " + written + " bytes, expected " + expectedSize);
            }
            if (expected != null && !expected.equals(actual)) {
                throw new BlobMismatchException(what() + ": content has digest " + actual + " (" + written + " bytes)");
            }
            awaitFlush();
            channel.force(true);
            channel.close();
            verified = actual;
            return actual;
        } catch (IOException | RuntimeException e) {
            done = true;
            discard();
            throw e;
        }
    }

    /**
     * Verifies (see {@link #verify()}) and publishes the blob into blobs/sha256/. Throws
     * {@link BlobMismatchException} (and discards the bytes) when digest or size differ from what was expected.
     */
    public Digest commit() throws IOException {
        if (done) throw new IllegalStateException("already committed");
        Digest actual = verify();
        done = true;
        try {
            store.publish(file, actual);
            return actual;
        } catch (IOException | RuntimeException e) {
            discard();
            throw e;
        }
    }

    public long size() {
        return written;
    }

    private String what() {
        return expected == null ? "blob" : "blob " + expected;
    }

    private void discard() {
        try {
            channel.close();
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover ingest file is removed by the next prune
        }
    }

    /**
     * Releases the writer. An uncommitted writer for a known digest keeps its partial file for a later resume
     * (unless it is empty, or was verified but never published); one for an unknown digest is deleted.
     */
    @Override
    public void close() {
        try {
            if (channel.isOpen()) channel.close();
            if (!done && (expected == null || written == 0 || verified != null)) Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // best effort
        } finally {
            lock.close();
        }
    }
}
