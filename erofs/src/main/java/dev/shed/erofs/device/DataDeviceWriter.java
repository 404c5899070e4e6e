package dev.shed.erofs.device;

import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.ExternalData;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.data.DataPipeline;
import dev.shed.erofs.data.DataTarget;
import dev.shed.erofs.data.FileStreamer;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.tree.Node;
import dev.shed.erofs.tree.XattrSet;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a data device: the data of regular files, each block-aligned, in the order added, with no header (the
 * kernel reads a device only at the addresses an image's inodes give it). Each file's data is placed exactly as
 * {@link dev.shed.erofs.ErofsWriter} would place it in an image (same compression pipeline, same inline rule), and
 * its placement ({@link ExternalData}) is what an image later passes to
 * {@link dev.shed.erofs.ErofsWriter#addExternal}. Inline tails are not written to the device: they go into the inode
 * of each image that shows the file. Deterministic: same files, same order, same options give the same bytes.
 * Not thread-safe.
 */
public final class DataDeviceWriter implements Closeable {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;

    private final Path output;
    private final FileChannel channel;
    private final DataPipeline pipeline;
    private final FileStreamer streamer;
    private final DeviceRegion region;
    private final TailBuffer tails = new TailBuffer();
    private final List<Node> files = new ArrayList<>();
    private List<ExternalData> placements;
    private boolean failed;
    private boolean closed;

    private DataDeviceWriter(Path output, ErofsOptions options) throws IOException {
        this.output = output;
        this.channel = FileChannel.open(output, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.region = new DeviceRegion(channel);
        this.pipeline = new DataPipeline(options.threads(), options.compressorLevel(), options.pclusterSize() / BLOCK);
        this.streamer = new FileStreamer(options, pipeline, n -> region, tails);
    }

    /** Creates (or truncates) the device file at {@code output}; the caller renames it into place when done. */
    public static DataDeviceWriter create(Path output, ErofsOptions options) throws IOException {
        return new DataDeviceWriter(output, options);
    }

    /** Adds one file's data ({@code entry.size()} bytes of {@code data}); returns its number for {@link #placements}. */
    public int add(ErofsEntry entry, InputStream data) throws IOException {
        if (closed) throw new IllegalStateException("device writer closed: " + output);
        if (entry.type() != EntryType.FILE) throw new IllegalArgumentException("not a regular file: " + entry.path());
        Node node = Node.detached(entry.path(), entry.size(), XattrSet.of(entry.xattrs()));
        failed = true;
        streamer.stream(node, entry, data);
        failed = false;
        files.add(node);
        return files.size() - 1;
    }

    /** Each added file's placement (device 0), in the order added; after {@link #close()}. */
    public List<ExternalData> placements() {
        if (placements == null) throw new IllegalStateException("device not finished yet");
        return placements;
    }

    /** The device's size in blocks; after {@link #close()}. */
    public long blocks() {
        if (placements == null) throw new IllegalStateException("device not finished yet");
        return region.blocks();
    }

    /** Waits for compression, pads the device to whole blocks, syncs it. On failure the output is deleted. */
    @Override
    public void close() throws IOException {
        if (closed) return;
        closed = true;
        boolean done = false;
        try (channel; pipeline) {
            if (failed) throw new IllegalStateException("an add() failed; no device was written to " + output);
            pipeline.finish();
            region.padToBlock();
            channel.force(true);
            List<ExternalData> out = new ArrayList<>(files.size());
            for (Node n : files) {
                long offset = n.frontBlocks == 0 ? 0 : n.dataOffset / BLOCK;
                byte[] tail = n.inlineSize == 0 ? new byte[0] : tails.read(n.tailOffset, n.inlineSize);
                out.add(new ExternalData(0, offset, n.frontBlocks, n.extents, tail));
            }
            placements = List.copyOf(out);
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(output);
        }
    }

    /** The device file, appended to from block 0, each file starting on a block boundary. */
    private static final class DeviceRegion implements DataTarget {
        private final FileChannel channel;
        private long position;

        DeviceRegion(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public long begin() {
            position = (position + BLOCK - 1) / BLOCK * BLOCK;
            return position;
        }

        @Override
        public void append(ByteBuffer data) throws IOException {
            while (data.hasRemaining()) position += channel.write(data, position);
        }

        void padToBlock() throws IOException {
            long end = begin();
            if (channel.size() < end) channel.write(ByteBuffer.allocate(1), end - 1);
        }

        long blocks() {
            return position / BLOCK;
        }
    }

    /** Inline tails, kept in memory until the placements are read (each is less than one block). */
    private static final class TailBuffer implements DataTarget {
        private byte[] bytes = new byte[1 << 16];
        private int size;

        @Override
        public long begin() {
            return size;
        }

        @Override
        public void append(ByteBuffer data) {
            int n = data.remaining();
            if (size + n > bytes.length) bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
            data.get(bytes, size, n);
            size += n;
        }

        byte[] read(long offset, int length) {
            return Arrays.copyOfRange(bytes, (int) offset, (int) offset + length);
        }
    }
}
