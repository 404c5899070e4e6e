package dev.shed.core.vm;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Cuts one call's output out of a port's byte stream: everything before the first nonce is dropped (left over
 * from an earlier call), everything up to the second goes to the sink as it arrives, holding back only a tail
 * that is the start of the nonce.
 */
final class NonceFrame {
    private final byte[] nonce;

    NonceFrame(byte[] nonce) {
        this.nonce = nonce;
    }

    void copy(ReadableByteChannel in, OutputStream sink) throws IOException {
        copy(in, sink, () -> {});
    }

    /** As {@link #copy(ReadableByteChannel, OutputStream)}; {@code onStart} runs once the first nonce has arrived. */
    void copy(ReadableByteChannel in, OutputStream sink, Runnable onStart) throws IOException {
        byte[] buf = new byte[0];
        boolean started = false;
        ByteBuffer chunk = ByteBuffer.allocate(64 << 10);
        while (true) {
            chunk.clear();
            int n = in.read(chunk);
            if (n < 0) throw new IOException("the VM closed an output channel mid-command");
            buf = Arrays.copyOf(buf, buf.length + n);
            System.arraycopy(chunk.array(), 0, buf, buf.length - n, n);
            while (true) {
                int at = indexOf(buf);
                if (!started) {
                    if (at < 0) {
                        buf = tail(buf, nonce.length - 1);
                        break;
                    }
                    started = true;
                    onStart.run();
                    buf = Arrays.copyOfRange(buf, at + nonce.length, buf.length);
                    continue;
                }
                if (at >= 0) {
                    sink.write(buf, 0, at);
                    sink.flush();
                    return;
                }
                int keep = pendingPrefix(buf);
                if (buf.length > keep) {
                    sink.write(buf, 0, buf.length - keep);
                    sink.flush();
                }
                buf = tail(buf, keep);
                break;
            }
        }
    }

    /**
     * How many bytes at the end of {@code buf} could be the start of the nonce: only those wait for the next read.
     * Holding back a fixed nonce-length tail instead delayed the last bytes of every write (a shell's prompt on
     * {@code shed exec -it} stayed invisible until the next output).
     */
    private int pendingPrefix(byte[] buf) {
        outer:
        for (int k = Math.min(buf.length, nonce.length - 1); k > 0; k--) {
            for (int j = 0; j < k; j++) if (buf[buf.length - k + j] != nonce[j]) continue outer;
            return k;
        }
        return 0;
    }

    private int indexOf(byte[] buf) {
        outer:
        for (int i = 0; i + nonce.length <= buf.length; i++) {
            for (int j = 0; j < nonce.length; j++) if (buf[i + j] != nonce[j]) continue outer;
            return i;
        }
        return -1;
    }

    private static byte[] tail(byte[] buf, int keep) {
        return buf.length <= keep ? buf : Arrays.copyOfRange(buf, buf.length - keep, buf.length);
    }
}
