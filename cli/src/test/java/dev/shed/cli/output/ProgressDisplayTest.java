package dev.shed.cli.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.core.progress.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {

    @Test
    void rendersADockerLikeBar() {
        ProgressDisplay.State s = new ProgressDisplay.State("abc123def456", "Downloading", 45_600_000);
        s.done = 12_300_000;
        String line = ProgressDisplay.render(s, 120);
        assertThat(line).startsWith("abc123def456: Downloading [=============>").endsWith("] 12.3MB/45.6MB");
        assertThat(line.substring(line.indexOf('[') + 1, line.indexOf(']'))).hasSize(50);
        s.finished = "Pull complete";
        assertThat(ProgressDisplay.render(s, 120)).isEqualTo("abc123def456: Pull complete");
    }

    @Test
    void barsRedrawInPlaceWithCursorUp() {
        StringWriter w = new StringWriter();
        try (ProgressDisplay d = ProgressDisplay.bars(new PrintWriter(w), 100)) {
            d.message("1: Pulling from x");
            Progress.Task t = d.start("aaaaaaaaaaaa", "Waiting", 100);
            t.setLabel("Downloading");
            t.finish("Pull complete");
        }
        String out = w.toString();
        assertThat(out).contains("\033[2A"); // went back over both lines to redraw them
        assertThat(out).endsWith("\r\033[2K1: Pulling from x\n\r\033[2Kaaaaaaaaaaaa: Pull complete\n");
    }

    @Test
    void plainOutputIsOneLinePerEvent() {
        StringWriter w = new StringWriter();
        try (ProgressDisplay d = ProgressDisplay.lines(new PrintWriter(w))) {
            Progress.Task t = d.start("aaaaaaaaaaaa", "Waiting", 100);
            t.setLabel("Downloading");
            t.advance(50);
            t.advance(50);
            t.finish("Pull complete");
            d.message("Digest: sha256:x");
        }
        assertThat(w.toString().lines()).containsExactly("aaaaaaaaaaaa: Waiting", "aaaaaaaaaaaa: Downloading",
                "aaaaaaaaaaaa: Pull complete", "Digest: sha256:x");
    }
}
