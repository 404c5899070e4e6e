package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Cutting one call's bytes out of a port's stream, whatever the read boundaries. */
class NonceFrameTest {
    static final String NONCE = "0123456789abcdef0123456789abcdef";

    /** A channel that hands out {@code chunks} one read at a time. */
    static ReadableByteChannel reads(String... chunks) {
        ArrayDeque<byte[]> left = new ArrayDeque<>();
        for (String c : chunks) left.add(c.getBytes(StandardCharsets.ISO_8859_1));
        return new ReadableByteChannel() {
            public int read(ByteBuffer dst) {
                if (left.isEmpty()) return -1;
                byte[] b = left.poll();
                dst.put(b);
                return b.length;
            }
            public boolean isOpen() { return true; }
            public void close() {}
        };
    }

    /** A prompt with no newline reaches the sink before more output comes: nothing but a nonce's start waits. */
    @Test
    void outputIsNotHeldBackUnlessItEndsLikeTheNonce() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        List<String> seenBeforeEachRead = new java.util.ArrayList<>();
        ArrayDeque<String> chunks = new ArrayDeque<>(List.of(NONCE + "/ $ ", "x0123", "4" + NONCE));
        ReadableByteChannel ch = new ReadableByteChannel() {
            public int read(ByteBuffer dst) {
                seenBeforeEachRead.add(sink.toString(StandardCharsets.ISO_8859_1));
                byte[] b = chunks.poll().getBytes(StandardCharsets.ISO_8859_1);
                dst.put(b);
                return b.length;
            }
            public boolean isOpen() { return true; }
            public void close() {}
        };
        new NonceFrame(NONCE.getBytes(StandardCharsets.US_ASCII)).copy(ch, sink);
        // "0123" could begin the nonce, so it waits for the next read, which shows it was output after all
        assertThat(seenBeforeEachRead).containsExactly("", "/ $ ", "/ $ x");
        assertThat(sink.toString(StandardCharsets.ISO_8859_1)).isEqualTo("/ $ x01234");
    }

    @Test
    void staleBytesGoTheOutputComesAndStartIsSignalledOnceWhenTheNonceIsSplitAcrossReads() throws Exception {
        // a stale tail of an earlier call, then this call's nonce split in three reads, output, the closing nonce split too
        String stream = "stale output" + NONCE + "hello\r\nworld" + NONCE + "after";
        for (int cut = 1; cut < 40; cut += 7) {
            List<String> chunks = new java.util.ArrayList<>();
            for (int i = 0; i < stream.length(); i += cut) chunks.add(stream.substring(i, Math.min(stream.length(), i + cut)));
            ByteArrayOutputStream sink = new ByteArrayOutputStream();
            AtomicInteger starts = new AtomicInteger();
            new NonceFrame(NONCE.getBytes(StandardCharsets.US_ASCII)).copy(reads(chunks.toArray(String[]::new)), sink, starts::incrementAndGet);
            assertThat(sink.toString(StandardCharsets.ISO_8859_1)).as("reads of %d bytes", cut).isEqualTo("hello\r\nworld");
            assertThat(starts).hasValue(1);
        }
    }
}
