package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for the guest's READY on a real unix socket: lines in pieces, stale lines, silence, a closed channel. */
class ExecClientReadyTest {
    @TempDir
    Path tmp;

    /** A server on a unix socket that, once the client connected, writes each piece after a pause, then closes. */
    SocketChannel serve(boolean close, String... pieces) throws IOException {
        Path socket = tmp.resolve("ctl.sock");
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread t = new Thread(() -> {
            try (server; SocketChannel c = server.accept()) {
                for (String p : pieces) {
                    Thread.sleep(50);
                    c.write(ByteBuffer.wrap(p.getBytes(StandardCharsets.UTF_8)));
                }
                if (!close) Thread.sleep(5_000);
            } catch (IOException | InterruptedException ignored) {
                // the test is over
            }
        });
        t.setDaemon(true);
        t.start();
        return ExecClient.connect(socket);
    }

    @Test
    void readyArrivingInPiecesAfterStaleLinesIsTaken() throws Exception {
        try (SocketChannel ctl = serve(false, "\nD 0123 0\nREA", "DY\n")) {
            ExecClient.awaitReady(ctl, Duration.ofSeconds(10));
        }
    }

    @Test
    void silenceTimesOutAndAClosedChannelSaysSo() throws Exception {
        try (SocketChannel ctl = serve(false, "\n")) {
            assertThatThrownBy(() -> ExecClient.awaitReady(ctl, Duration.ofMillis(300)))
                    .isInstanceOf(IOException.class).hasMessageContaining("did not answer within");
        }
        Path old = tmp.resolve("ctl.sock");
        assertThat(old.toFile().delete()).isTrue();
        try (SocketChannel ctl = serve(true, "booting\n")) {
            assertThatThrownBy(() -> ExecClient.awaitReady(ctl, Duration.ofSeconds(10)))
                    .isInstanceOf(IOException.class).hasMessageContaining("closed the control channel");
        }
    }
}
