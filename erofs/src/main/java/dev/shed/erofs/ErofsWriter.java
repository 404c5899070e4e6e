package dev.shed.erofs;

import dev.shed.erofs.compress.CompressionPipeline;
import dev.shed.erofs.data.DataSpool;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.layout.ImageBuilder;
import dev.shed.erofs.tree.FileTree;
import dev.shed.erofs.tree.Node;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one EROFS image. Add entries in any order, then {@link #close()} lays out the metadata and
 * writes the image to the given path (the caller renames it into place).
 *
 * <ul>
 *   <li>Missing parent directories are created (0755, uid/gid 0, mtime = build time).</li>
 *   <li>A later {@code add} of the same path replaces the earlier entry (a directory re-added keeps
 *       its children; a directory replaced by a non-directory loses them).</li>
 *   <li>HARDLINK entries may name targets added later; a target still missing at close() is an
 *       {@link IllegalArgumentException} naming both paths.</li>
 *   <li>File data is streamed: full blocks go to a temporary spool file beside the output (or are
 *       compressed on worker threads first); memory per entry is a small fixed record.</li>
 * </ul>
 * If an {@code add} throws, the writer is unusable: {@code close()} then releases its resources,
 * writes no image and throws {@link IllegalStateException}. Not thread-safe: call from one thread.
 */
public final class ErofsWriter implements Closeable {
    /**
     * Identifies the bytes this writer produces for a given input and options. Bump it with every change to the
     * output (layout, indexes, packing), so caches keyed on it (shed's lowers) rebuild instead of serving old bytes.
     * 2: compact lcluster indexes and best-fit metadata packing. 3: shallower LZ4HC lazy check (4 candidates at level 9).
     */
    public static final int OUTPUT_VERSION = 4;

    private static final int COPY_BUFFER = 256 * 1024;

    private final Path output;
    private final ErofsOptions options;
    private final FileTree tree;
    private final DataSpool spool;
    private final CompressionPipeline compression;
    private final byte[] copyBuffer = new byte[COPY_BUFFER];
    private ErofsImageStats stats;
    private boolean closed;
    /** Set when an add() failed midway; close() then only releases resources. */
    private boolean failed;

    private ErofsWriter(Path output, ErofsOptions options) throws IOException {
        this.output = output;
        this.options = options;
        this.tree = new FileTree(options.buildTime());
        this.spool = DataSpool.createNextTo(output);
        this.compression = options.compression() == Compression.NONE ? null
                : new CompressionPipeline(spool, options.threads(), options.compressorLevel());
    }

    public static ErofsWriter create(Path output, ErofsOptions options) throws IOException {
        return new ErofsWriter(output, options);
    }

    /** Adds a non-file entry (directory, symlink, hardlink, device, fifo, socket) or an empty file. */
    public void add(ErofsEntry entry) throws IOException {
        if (entry.type() == EntryType.FILE && entry.size() != 0) {
            throw new IllegalArgumentException("file with data needs add(entry, data): " + entry.path());
        }
        if (entry.type() == EntryType.FILE) {
            add(entry, InputStream.nullInputStream());
            return;
        }
        ensureOpen();
        tree.put(entry);
    }

    /** Adds a regular file whose content is exactly {@code entry.size()} bytes read from {@code data}. */
    public void add(ErofsEntry entry, InputStream data) throws IOException {
        ensureOpen();
        if (entry.type() != EntryType.FILE) throw new IllegalArgumentException("not a regular file: " + entry.path());
        Node node = tree.put(entry);
        failed = true;   // until the data is fully in: a half-added file must never reach an image
        CRC32C crc = new CRC32C();
        if (compression != null && entry.size() > ErofsFormat.BLOCK_SIZE) {
            streamCompressed(node, entry, data, crc);
        } else if (compression != null) {
            // Small files stay uncompressed (they would not save a block) but must be spooled in
            // order with the compression results.
            byte[] small = new byte[(int) entry.size()];
            readFully(data, small, small.length, entry, entry.size());
            crc.update(small);
            if (small.length > 0) compression.submitRaw(node, small);
        } else {
            streamPlain(node, entry, data, crc);
        }
        if (data.read() != -1) throw new IOException("stream for " + entry.path() + " is longer than " + entry.size());
        node.contentCrc = crc.getValue();
        failed = false;
    }

    private void streamPlain(Node node, ErofsEntry entry, InputStream data, CRC32C crc) throws IOException {
        long remaining = entry.size();
        long start = -1;
        while (remaining > 0) {
            int n = readFully(data, copyBuffer, (int) Math.min(copyBuffer.length, remaining), entry, remaining);
            crc.update(copyBuffer, 0, n);
            long at = spool.append(ByteBuffer.wrap(copyBuffer, 0, n));
            if (start < 0) start = at;
            remaining -= n;
        }
        node.spoolOffset = start;
    }

    private void streamCompressed(Node node, ErofsEntry entry, InputStream data, CRC32C crc) throws IOException {
        long remaining = entry.size();
        boolean first = true;
        while (remaining > 0) {
            byte[] buf = compression.buffer();
            int n = readFully(data, buf, (int) Math.min(buf.length, remaining), entry, remaining);
            crc.update(buf, 0, n);
            remaining -= n;
            compression.submit(node, buf, n, first, remaining == 0);
            first = false;
        }
    }

    private static int readFully(InputStream in, byte[] buf, int len, ErofsEntry e, long remaining) throws IOException {
        int off = 0;
        while (off < len) {
            int n = in.read(buf, off, len - off);
            if (n < 0) {
                throw new IOException("stream for " + e.path() + " ended " + (remaining - off) + " bytes early");
            }
            off += n;
        }
        return len;
    }

    /** Stats of the finished image; available after {@link #close()}. */
    public ErofsImageStats stats() {
        if (stats == null) throw new IllegalStateException("image not finished yet");
        return stats;
    }

    /** Finishes the image: waits for compression, lays out metadata and data, writes the superblock. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        try (spool) {
            if (failed) throw new IllegalStateException("an add() failed; no image was written to " + output);
            if (compression != null) compression.finish();
            try (FileChannel out = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ)) {
                stats = new ImageBuilder(tree, options, spool).writeTo(out);
                out.force(true);
            }
        } finally {
            if (compression != null) compression.close();
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("writer already closed: " + output);
    }
}
