package dev.shed.erofs.layout;

import dev.shed.erofs.data.DataSpool;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Sequential, buffered writer for the image file from a given position on. When asked to (the image derives its
 * UUID from its content), everything it writes itself is hashed and file data (copied from the spool, or already
 * in place) contributes its CRC instead, so the digest identifies the whole image content cheaply. An image with a
 * given UUID hashes nothing: SHA-256 of a 12 MB metadata image was ~10% of a metadata-only materialize's CPU.
 */
final class ImageOutput {
    private static final ByteBuffer ZEROS = ByteBuffer.allocate(8192).asReadOnlyBuffer();
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocate(1 << 20);
    /** Null when the image's content needs no digest. */
    private final MessageDigest digest;
    private long position;

    ImageOutput(FileChannel channel, long start, boolean hashed) throws IOException {
        this.channel = channel;
        this.position = start;
        channel.position(start);
        try {
            this.digest = hashed ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    long position() {
        return position;
    }

    void write(ByteBuffer src) throws IOException {
        if (digest != null) digest.update(src.duplicate());
        put(src);
    }

    private void put(ByteBuffer src) throws IOException {
        position += src.remaining();
        if (src.remaining() <= buffer.remaining()) {   // the usual case (records, padding): no slice per write
            buffer.put(src);
            return;
        }
        while (src.hasRemaining()) {
            if (!buffer.hasRemaining()) flush();
            int n = Math.min(buffer.remaining(), src.remaining());
            ByteBuffer slice = src.slice().limit(n);
            buffer.put(slice);
            src.position(src.position() + n);
        }
    }

    void padTo(long target) throws IOException {
        zeroTo(target, true);
    }

    /** Pads file data to {@code target}; not hashed, like the data it follows (see {@link #digestCopied}). */
    void padDataTo(long target) throws IOException {
        zeroTo(target, false);
    }

    private void zeroTo(long target, boolean hashed) throws IOException {
        if (target < position) throw new IllegalStateException("layout overlap: at " + position + ", asked " + target);
        while (position < target) {
            ByteBuffer zeros = ZEROS.duplicate().limit((int) Math.min(ZEROS.capacity(), target - position));
            if (hashed) write(zeros); else put(zeros);
        }
    }

    void copyFromSpool(DataSpool spool, long offset, long length) throws IOException {
        flush();
        spool.copyTo(offset, length, channel);
        position += length;
    }

    /** Hashes one file's data by its CRC and length, in place of its bytes. */
    void digestCopied(long crc, long length) {
        if (digest != null) digest.update(ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(crc).putLong(length).flip());
    }

    void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) channel.write(buffer);
        buffer.clear();
    }

    byte[] digest() {
        return digest.digest();
    }
}
