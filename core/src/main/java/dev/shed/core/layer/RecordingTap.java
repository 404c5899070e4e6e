package dev.shed.core.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Sits under the tar reader: counts the absolute offset in the tar stream and, while recording, keeps a copy of
 * the bytes read (the raw headers of one entry), capped so a hostile header can't exhaust memory.
 */
final class RecordingTap extends ObservedStream {
    static final int MAX_HEADER_BYTES = 16 * 1024 * 1024;

    private long position;
    private ByteArrayOutputStream recording;
    private long recordingStart;

    RecordingTap(InputStream in) {
        super(in);
    }

    long position() {
        return position;
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
    void observe(byte[] b, int off, int len) throws IOException {
        position += len;
        if (recording != null) {
            if (recording.size() + len > MAX_HEADER_BYTES) {
                throw new HeaderTooLargeException();
            }
            recording.write(b, off, len);
        }
    }

    @Override
    public long skip(long n) throws IOException {
        if (recording != null) return in.skip(n); // recorded bytes not needed
        return super.skip(n);
    }

    static final class HeaderTooLargeException extends IOException {
        HeaderTooLargeException() {
            super("entry headers exceed " + (MAX_HEADER_BYTES >> 20) + " MiB");
        }
    }
}
