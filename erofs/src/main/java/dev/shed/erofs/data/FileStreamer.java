package dev.shed.erofs.data;

import dev.shed.erofs.Compression;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsOptions;
import dev.shed.erofs.format.ErofsFormat;
import dev.shed.erofs.layout.XattrLayout;
import dev.shed.erofs.tree.Node;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Function;
import java.util.zip.CRC32C;

/**
 * Streams one regular file's data into a {@link DataPipeline}: compressed in segments when compression is on and
 * the file is over a block, else flat (whole blocks, and the last partial block inline or as one more block). Shared
 * by the image writer and the data-device writer, so a file's data is placed the same way in both.
 */
public final class FileStreamer {
    private static final int BLOCK = ErofsFormat.BLOCK_SIZE;
    private static final int COPY_BUFFER = 256 * 1024;

    private final ErofsOptions options;
    private final DataPipeline pipeline;
    private final Function<Node, DataTarget> targetFor;
    private final DataTarget tails;
    private final byte[] copyBuffer = new byte[COPY_BUFFER];

    /**
     * @param targetFor where a file's blocks go (called once per file that has blocks, in arrival order)
     * @param tails     where inline tails go
     */
    public FileStreamer(ErofsOptions options, DataPipeline pipeline, Function<Node, DataTarget> targetFor, DataTarget tails) {
        this.options = options;
        this.pipeline = pipeline;
        this.targetFor = targetFor;
        this.tails = tails;
    }

    /** Reads exactly {@code entry.size()} bytes of {@code data} into the pipeline for {@code node}; sets its CRC. */
    public void stream(Node node, ErofsEntry entry, InputStream data) throws IOException {
        CRC32C crc = new CRC32C();
        // Files that would not save a block stay uncompressed.
        if (options.compression() != Compression.NONE && entry.size() > BLOCK) {
            streamCompressed(node, entry, data, crc);
        } else {
            streamFlat(node, entry, data, crc);
        }
        if (data.read() != -1) throw new IOException("stream for " + entry.path() + " is longer than " + entry.size());
        node.contentCrc = crc.getValue();
    }

    private void streamCompressed(Node node, ErofsEntry entry, InputStream data, CRC32C crc) throws IOException {
        DataTarget target = targetFor.apply(node);
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
     * A flat file: whole blocks to the target, and the last partial block either inline in the inode (kept with the
     * tails until the metadata is written) or as one more block. The choice is made here, per file, from the largest
     * inode record the file could get, so it never depends on other entries or on their order.
     */
    private void streamFlat(Node node, ErofsEntry entry, InputStream data, CRC32C crc) throws IOException {
        long size = entry.size();
        int tail = (int) (size % BLOCK);
        boolean inline = tail > 0 && tail + ErofsFormat.EXTENDED_INODE_SIZE + XattrLayout.largestIbodySize(node.xattrs) <= BLOCK;
        node.inlineSize = inline ? tail : 0;
        long frontBytes = size - node.inlineSize;
        node.frontBlocks = ErofsFormat.blocksFor(frontBytes);
        DataTarget target = frontBytes > 0 ? targetFor.apply(node) : null;
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
            pipeline.storeTail(node, tails, copyBuffer, n);
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
}
