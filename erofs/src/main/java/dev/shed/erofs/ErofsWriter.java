package dev.shed.erofs;

import dev.shed.erofs.data.DataPipeline;
import dev.shed.erofs.data.DataSpool;
import dev.shed.erofs.data.DataTarget;
import dev.shed.erofs.data.FrontRegion;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.layout.ImageBuilder;
import dev.shed.erofs.layout.XattrLayout;
import dev.shed.erofs.tree.FileTree;
import dev.shed.erofs.tree.Node;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Writes one EROFS image. Add entries in any order, then {@link #close()} lays out the metadata and
 * finishes the image at the given path (the caller renames it into place).
 *
 * <ul>
 *   <li>Missing parent directories are created (0755, uid/gid 0, mtime = build time).</li>
 *   <li>A later {@code add} of the same path replaces the earlier entry (a directory re-added keeps
 *       its children; a directory replaced by a non-directory loses them).</li>
 *   <li>HARDLINK entries may name targets added later; a target still missing at close() is an
 *       {@link IllegalArgumentException} naming both paths.</li>
 *   <li>File data is streamed (compressed on worker threads first); memory per entry is a small fixed
 *       record. While files arrive in image order (as from a sorted directory walk) their data goes
 *       straight into the image; otherwise, and for inline tails, into a temporary spool file beside the
 *       output, copied into place at close. Either way the image is the same.</li>
 * </ul>
 * If an {@code add} throws, the writer is unusable: {@code close()} then releases its resources,
 * deletes the output, and throws {@link IllegalStateException}. Not thread-safe: call from one thread.
 */
public final class ErofsWriter implements Closeable {
    /**
     * Identifies the bytes this writer produces for a given input and options. Bump it with every change to the
     * output (layout, indexes, packing), so caches keyed on it (shed's lowers) rebuild instead of serving old bytes.
     * 2: compact lcluster indexes and best-fit metadata packing. 3: shallower LZ4HC lazy check (4 candidates at level 9).
     * 4: LZ4HC parsing of liblz4, default level 6. 5: file data before the metadata; tails inlined by a
     * per-file rule; default level 5.
     */
    public static final int OUTPUT_VERSION = 5;

    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private static final int COPY_BUFFER = 256 * 1024;

    private final Path output;
    private final ErofsOptions options;
    private final FileTree tree;
    private final FileChannel image;
    private final FrontRegion front;
    private final DataSpool spool;
    private final DataPipeline pipeline;
    private final byte[] copyBuffer = new byte[COPY_BUFFER];
    private ErofsImageStats stats;
    private boolean closed;
    /** Set when an add() failed midway; close() then only releases resources. */
    private boolean failed;

    private ErofsWriter(Path output, ErofsOptions options) throws IOException {
        this.output = output;
        this.options = options;
        this.tree = new FileTree(options.buildTime());
        this.image = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.READ);
        try {
            this.spool = DataSpool.createNextTo(output);
        } catch (IOException e) {
            image.close();
            Files.deleteIfExists(output);
            throw e;
        }
        this.front = new FrontRegion(image);
        this.pipeline = new DataPipeline(options.threads(), options.compressorLevel(),
                options.pclusterSize() / BLOCK);
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
        // Files that would not save a block stay uncompressed.
        if (options.compression() != Compression.NONE && entry.size() > BLOCK) {
            streamCompressed(node, entry, data, crc);
        } else {
            streamFlat(node, entry, data, crc);
        }
        if (data.read() != -1) throw new IOException("stream for " + entry.path() + " is longer than " + entry.size());
        node.contentCrc = crc.getValue();
        failed = false;
    }

    private DataTarget targetFor(Node node) {
        return front.admits(node) ? front : spool;
    }

    private void streamCompressed(Node node, ErofsEntry entry, InputStream data, CRC32C crc) throws IOException {
        DataTarget target = targetFor(node);
        long remaining = entry.size();
        boolean first = true;
        while (remaining > 0) {
            byte[] buf = pipeline.buffer();
            int n = readFully(data, buf, (int) Math.min(buf.length, remaining), entry, remaining);
            crc.update(buf, 0, n);
            remaining -= n;
            pipeline.compress(node, target, buf, n, first, remaining == 0);
            first = false;
        }
    }

    /**
     * A flat file: whole blocks to the front region, and the last partial block either inline in the inode (kept
     * in the spool until the metadata is written) or as one more block. The choice is made here, per file, from
     * the largest inode record the file could get, so it never depends on other entries or on their order.
     */
    private void streamFlat(Node node, ErofsEntry entry, InputStream data, CRC32C crc) throws IOException {
        long size = entry.size();
        int tail = (int) (size % BLOCK);
        boolean inline = tail > 0 && tail + ErofsFormat.EXTENDED_INODE_SIZE + XattrLayout.largestIbodySize(node.xattrs) <= BLOCK;
        node.inlineSize = inline ? tail : 0;
        long frontBytes = size - node.inlineSize;
        node.frontBlocks = ErofsFormat.blocksFor(frontBytes);
        DataTarget target = frontBytes > 0 ? targetFor(node) : null;
        long remaining = frontBytes;
        boolean first = true;
        while (remaining > 0) {
            int n = readFully(data, copyBuffer, (int) Math.min(copyBuffer.length, remaining), entry, size - frontBytes + remaining);
            crc.update(copyBuffer, 0, n);
            pipeline.store(node, target, copyBuffer, n, first);
            remaining -= n;
            first = false;
        }
        if (inline) {
            int n = readFully(data, copyBuffer, tail, entry, tail);
            crc.update(copyBuffer, 0, n);
            pipeline.storeTail(node, spool, copyBuffer, n);
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

    /** Finishes the image: waits for compression, lays out metadata and data, writes the superblock, syncs. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        boolean written = false;
        try (spool; image; pipeline) {
            try {
                if (failed) throw new IllegalStateException("an add() failed; no image was written to " + output);
                pipeline.finish();
                stats = new ImageBuilder(tree, options, front, spool).writeTo(image);
                front.awaitFlush();
                image.force(true);
                written = true;
            } finally {
                front.awaitFlush();   // before the channel closes under it
            }
        } finally {
            if (!written) Files.deleteIfExists(output);
        }
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("writer already closed: " + output);
    }
}
