package dev.shed.core.image.build;

import dev.shed.core.oci.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Writes one tar+gzip layer into a sink while hashing both forms: the uncompressed tar (the config's diff_id) and
 * the compressed bytes (the layer blob digest). Entries go through {@link #tar()} (PAX long names and big numbers),
 * or an existing tar is copied verbatim through {@link #rawTar()}. Java's gzip header has no time or name in it,
 * so the same tar always compresses to the same bytes.
 */
public final class LayerBuilder {
    /** The finished layer: digest and size of the compressed blob, and the diff_id of the tar inside. */
    public record Result(Digest digest, long size, Digest diffId) {}

    private final MessageDigest tarSha = Digest.newSha256();
    private final MessageDigest gzSha = Digest.newSha256();
    private final Counting counted;
    private final GZIPOutputStream gzip;
    private final OutputStream tarBytes;
    private TarArchiveOutputStream tar;

    public LayerBuilder(OutputStream sink) throws IOException {
        counted = new Counting(new DigestOutputStream(sink, gzSha));
        gzip = new GZIPOutputStream(counted, 1 << 16);
        tarBytes = new BufferedOutputStream(new DigestOutputStream(gzip, tarSha), 1 << 16);
    }

    /** The tar stream to add entries to. */
    public TarArchiveOutputStream tar() {
        if (tar == null) {
            tar = new TarArchiveOutputStream(new NonClosing(tarBytes));
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
        }
        return tar;
    }

    /** For copying a complete tar as it is (no entries may be added through {@link #tar()} as well). */
    public OutputStream rawTar() {
        return new NonClosing(tarBytes);
    }

    public Result finish() throws IOException {
        if (tar != null) tar.finish();
        tarBytes.flush();
        gzip.finish();
        counted.flush();
        return new Result(Digest.fromRaw(gzSha.digest()), counted.count, Digest.fromRaw(tarSha.digest()));
    }

    private static final class Counting extends java.io.FilterOutputStream {
        long count;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
