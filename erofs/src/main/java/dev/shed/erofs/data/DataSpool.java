package dev.shed.erofs.data;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Append-only temporary file next to the output for file data that cannot go straight into the image: inline
 * tails (they end up in inode records), and the data of files that arrived out of image order. At close the
 * image writer copies each file's bytes from here into place in image order, which is what makes the image
 * independent of the order entries were added. Deleted on close.
 */
public final class DataSpool implements DataTarget, Closeable {
    private final Path path;
    private final FileChannel channel;
    private long size;

    private DataSpool(Path path) throws IOException {
        this.path = path;
        this.channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE);
    }

    public static DataSpool createNextTo(Path output) throws IOException {
        Path dir = output.toAbsolutePath().getParent();
        return new DataSpool(Files.createTempFile(dir, "." + output.getFileName() + ".", ".spool"));
    }

    @Override
    public long begin() {
        return size;
    }

    @Override
    public void append(ByteBuffer data) throws IOException {
        while (data.hasRemaining()) size += channel.write(data, size);
    }

    /** Appends {@code length} bytes of {@code from} starting at {@code offset}; returns where they start here. */
    public long appendFrom(FileChannel from, long offset, long length) throws IOException {
        long at = size;
        transfer(from, offset, length, channel.position(size));
        size += length;
        return at;
    }

    public void read(long offset, ByteBuffer into) throws IOException {
        long pos = offset;
        while (into.hasRemaining()) {
            int n = channel.read(into, pos);
            if (n < 0) throw new IOException("spool truncated at " + pos);
            pos += n;
        }
    }

    /** Copies {@code length} bytes at {@code offset} to {@code out} at its current position. */
    public void copyTo(long offset, long length, FileChannel out) throws IOException {
        transfer(channel, offset, length, out);
    }

    /** Copies {@code length} bytes at {@code offset} of {@code from} to {@code to}'s current position. */
    private static void transfer(FileChannel from, long offset, long length, FileChannel to) throws IOException {
        long done = 0;
        while (done < length) {
            long n = from.transferTo(offset + done, length - done, to);
            if (n <= 0) throw new IOException("copy stalled at byte " + (offset + done) + " of " + (offset + length));
            done += n;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        channel.close();
        Files.deleteIfExists(path);
    }
}
