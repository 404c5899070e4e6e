package dev.shed.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.OciLayoutBuilder;
import dev.shed.core.testing.OciLayoutBuilder.Layer;
import dev.shed.core.testing.Processes;
import dev.shed.core.testing.TarLayerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image export -o}, {@code image save -o} and {@code erofs build OUT} pointed at a character device, a FIFO
 * and a path whose directory is missing (issue 11, items 5 and 11). Node identity is read back with stat(1), what a
 * FIFO delivered with cat(1); both are compared with what the same command writes to a regular file.
 */
class OutputTargetCommandsTest {
    @TempDir
    Path tmp;

    private Path root;

    @BeforeEach
    void image() throws Exception {
        root = tmp.resolve("root");
        OciLayoutBuilder b = new OciLayoutBuilder(tmp.resolve("layout"));
        b.image("app", Layer.gzip(new TarLayerBuilder().dir("etc").file("etc/a", "alpha").file("etc/b", "beta")));
        Result build = Shed.run(root, "image", "build", "--from-oci-archive", b.dir().toString());
        assertThat(build.exit()).as(build.err()).isZero();
        Files.createDirectories(tmp.resolve("src/d"));
        Files.writeString(tmp.resolve("src/d/file"), "x".repeat(20_000));
    }

    /** The three commands, writing to {@code out}. */
    private List<String[]> commands(Path out) {
        List<String[]> c = new ArrayList<>();
        c.add(new String[] {"image", "export", "app", "-o", out.toString()});
        c.add(new String[] {"image", "save", "app", "-o", out.toString()});
        c.add(new String[] {"erofs", "build", tmp.resolve("src").toString(), out.toString()});
        return c;
    }

    private static String stat(Path p) throws Exception {
        return Processes.check(null, "stat", "-c", "%F %t:%T %i", p.toString()).strip();
    }

    @Test
    void aCharacterDeviceTargetStaysTheSameNode() throws Exception {
        Integration.requireRoot();
        Path dev = tmp.resolve("null");
        Processes.check(null, "mknod", dev.toString(), "c", "1", "3");
        String before = stat(dev);
        for (String[] cmd : commands(dev)) {
            Result r = Shed.run(root, cmd);
            assertThat(r.exit()).as(String.join(" ", cmd) + ": " + r.err()).isZero();
            assertThat(stat(dev)).as(String.join(" ", cmd)).isEqualTo(before).startsWith("character special file 1:3");
        }
    }

    @Test
    void aFifoReaderReceivesWhatAFileWouldHold() throws Exception {
        Path file = tmp.resolve("file.out");
        Path fifo = tmp.resolve("pipe");
        Processes.check(null, "mkfifo", fifo.toString());
        List<String[]> toFile = commands(file);
        List<String[]> toFifo = commands(fifo);
        for (int i = 0; i < toFile.size(); i++) {
            Result r = Shed.run(root, toFile.get(i));
            assertThat(r.exit()).as(r.err()).isZero();
            Path received = tmp.resolve("received");
            Process cat = new ProcessBuilder("cat", fifo.toString()).redirectOutput(received.toFile()).start();
            Result viaFifo = Shed.run(root, toFifo.get(i));
            assertThat(viaFifo.exit()).as(viaFifo.err()).isZero();
            assertThat(cat.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readAllBytes(received)).as(String.join(" ", toFifo.get(i)))
                    .isEqualTo(Files.readAllBytes(file)).isNotEmpty();
            assertThat(stat(fifo)).startsWith("fifo");
        }
    }

    @Test
    void aMissingOutputDirectoryFailsInOneLineAndIsNotCreated() {
        Path out = tmp.resolve("nonexistent/dir/x.tar");
        for (String[] cmd : commands(out)) {
            Result r = Shed.run(root, cmd);
            assertThat(r.exit()).as(String.join(" ", cmd)).isEqualTo(1);
            assertThat(r.errLines()).containsExactly(
                    "shed: error: cannot write " + out + ": directory " + out.getParent() + " does not exist");
            assertThat(tmp.resolve("nonexistent")).doesNotExist();
        }
    }
}
