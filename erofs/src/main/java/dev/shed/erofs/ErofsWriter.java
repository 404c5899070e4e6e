package dev.shed.erofs;

import dev.shed.erofs.data.DataPipeline;
import dev.shed.erofs.data.DataSpool;
import dev.shed.erofs.data.FileStreamer;
import dev.shed.erofs.data.FrontRegion;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.layout.ImageBuilder;
import dev.shed.erofs.tree.FileTree;
import dev.shed.erofs.tree.Node;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

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

    private final Path output;
    private final ErofsOptions options;
    private final FileTree tree;
    private final FileChannel image;
    private final FrontRegion front;
    private final DataSpool spool;
    private final DataPipeline pipeline;
    private final FileStreamer streamer;
    private final List<DeviceSlot> devices = new ArrayList<>();
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
        this.streamer = new FileStreamer(options, pipeline, node -> front.admits(node) ? front : spool, spool);
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
        streamer.stream(node, entry, data);
        failed = false;
    }

    /**
     * Declares the next extra device of the image (device table order = mount order); returns its index for
     * {@link ExternalData#device()}. Its address range is chosen at close, after the image's own blocks.
     */
    public int addDevice(DeviceSlot device) {
        ensureOpen();
        devices.add(device);
        return devices.size() - 1;
    }

    /**
     * Adds a regular file whose data already sits on a declared extra device: nothing is read or compressed, the
     * image gets the inode, the lcluster index of {@code data.extents()} and the inline tail.
     */
    public void addExternal(ErofsEntry entry, ExternalData data) throws IOException {
        ensureOpen();
        if (entry.type() != EntryType.FILE) throw new IllegalArgumentException("not a regular file: " + entry.path());
        if (data.blocks() > 0) {   // a file without blocks (empty, or all inline) needs no device
            if (data.device() >= devices.size()) {
                throw new IllegalArgumentException("file " + entry.path() + " names device " + data.device() + " of " + devices.size());
            }
            DeviceSlot slot = devices.get(data.device());
            if (data.blockOffset() + data.blocks() > slot.blocks()) {
                throw new IllegalArgumentException("file " + entry.path() + " ends past the end of device " + slot.tag());
            }
        }
        Node node = tree.put(entry);
        node.external = true;
        node.externalDevice = data.device();
        node.externalBlock = data.blockOffset();
        node.frontBlocks = data.blocks();
        node.extents = data.extentsShared();   // immutable here: no node writes to them
        node.inlineSize = data.tailLength();
        long expected = node.extents != null ? -1 : ErofsFormat.blocksFor(entry.size() - node.inlineSize);
        if (expected >= 0 && expected != data.blocks() || node.inlineSize >= BLOCK) {
            throw new IllegalArgumentException("placement of " + entry.path() + " does not match its size " + entry.size());
        }
        if (node.inlineSize > 0) {
            node.externalTail = data.tailSource();
            node.externalTailOffset = data.tailOffset();
        }
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
                stats = new ImageBuilder(tree, options, front, spool, devices).writeTo(image);
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
