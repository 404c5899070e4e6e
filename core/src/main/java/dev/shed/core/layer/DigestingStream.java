package dev.shed.core.layer;

import dev.shed.core.oci.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/** Hashes (SHA-256) and counts every byte read through it, skipped ones included. */
final class DigestingStream extends ObservedStream {
    private final MessageDigest md = Digest.newSha256();
    private long count;

    DigestingStream(InputStream in) {
        super(in);
    }

    @Override
    void observe(byte[] b, int off, int len) {
        md.update(b, off, len);
        count += len;
    }

    /** Reads to the end of the stream. */
    void drain() throws IOException {
        byte[] buf = new byte[1 << 16];
        while (read(buf, 0, buf.length) >= 0) {
            // hashing as it goes
        }
    }

    long count() {
        return count;
    }

    /** The digest of everything read; call once, at the end. */
    Digest digest() {
        return Digest.fromRaw(md.digest());
    }
}
