package dev.shed.core.layer;

import dev.shed.core.oci.Digest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes (SHA-256) and counts every byte read through it, skipped ones included. */
final class DigestingStream extends FilterInputStream {
    private final MessageDigest md = Digest.newSha256();
    private long count;
    private boolean eof;

    DigestingStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            md.update(b, off, n);
            count += n;
        } else if (n < 0) {
            eof = true;
        }
        return n;
    }

    /** Skipping reads: a skipped byte must be hashed like any other. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buf = new byte[(int) Math.min(Math.max(n, 1), 1 << 16)];
        long done = 0;
        while (done < n) {
            int r = read(buf, 0, (int) Math.min(buf.length, n - done));
            if (r < 0) break;
            done += r;
        }
        return done;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** Reads to the end of the stream. */
    void drain() throws IOException {
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing as it goes
        }
    }

    boolean atEof() {
        return eof;
    }

    long count() {
        return count;
    }

    /** The digest of everything read; call once, at the end. */
    Digest digest() {
        return Digest.fromRaw(md.digest());
    }
}
