package dev.shed.core.layer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A pass-through stream that shows every byte read to {@link #observe}, skipped ones included (a skip reads), and
 * notes when the underlying stream reports its end. No mark/reset: an observed byte is never read twice.
 */
abstract class ObservedStream extends FilterInputStream {
    private boolean eof;

    ObservedStream(InputStream in) {
        super(in);
    }

    /** Called with each run of bytes as it is read. */
    abstract void observe(byte[] b, int off, int len) throws IOException;

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
            observe(b, off, n);
        } else if (n < 0) {
            eof = true;
        }
        return n;
    }

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

    /** Whether the underlying stream has reported its end. */
    boolean atEof() {
        return eof;
    }
}
