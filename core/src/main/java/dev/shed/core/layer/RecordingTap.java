package dev.shed.core.layer;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Sits under the tar reader: counts the absolute offset in the tar stream and, while recording, keeps a copy of
 * the bytes read (the raw headers of one entry), capped so a hostile header can't exhaust memory.
 */
final class RecordingTap extends FilterInputStream {
    static final int MAX_HEADER_BYTES = 16 * 1024 * 1024;

    private long position;
    private boolean eof;
    private ByteArrayOutputStream recording;
    private long recordingStart;

    RecordingTap(InputStream in) {
        super(in);
    }

    long position() {
        return position;
    }

    /** Whether the underlying stream has reported its end. */
    boolean atEof() {
        return eof;
    }

    void startRecording() {
        recording = new ByteArrayOutputStream(2048);
        recordingStart = position;
    }

    long recordingStart() {
        return recordingStart;
    }

    byte[] stopRecording() {
        byte[] b = recording.toByteArray();
        recording = null;
        return b;
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
        if (n < 0) eof = true;
        if (n > 0) {
            position += n;
            if (recording != null) {
                if (recording.size() + n > MAX_HEADER_BYTES) {
                    throw new HeaderTooLargeException();
                }
                recording.write(b, off, n);
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (recording != null) return super.skip(n); // FilterInputStream.skip -> in.skip; recorded bytes not needed
        byte[] buf = new byte[(int) Math.min(n, 65536)];
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

    static final class HeaderTooLargeException extends IOException {
        HeaderTooLargeException() {
            super("entry headers exceed " + (MAX_HEADER_BYTES >> 20) + " MiB");
        }
    }
}
