package dev.shed.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where output goes. The kind and identity of a node are read back with stat(1), FIFO content with cat(1): tools
 * that are not the code under test. Device nodes are made by the test in its own directory (never /dev/null).
 */
class OutputTargetTest {
    @TempDir
    Path tmp;

    private static final byte[] CONTENT = payload();

    private static byte[] payload() {
        byte[] b = new byte[300_000];
        new Random(7).nextBytes(b);
        return b;
    }

    /** stat's file type and device numbers ("character special file 1:3"). */
    private static String stat(Path p) throws Exception {
        return Processes.check(null, "stat", "-c", "%F %t:%T %i", p.toString()).strip();
    }

    @Test
    void regularAndMissingTargetsAreReplacedAtomicallyAndNoTempFileStays() throws Exception {
        Path out = tmp.resolve("out.bin");
        Files.writeString(out, "old");
        Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        try (OutputTarget t = OutputTarget.open(out, false)) {
            assertThat(t.kind()).isEqualTo(OutputTarget.Kind.FILE);
            OutputStream s = t.stream();
            s.write(CONTENT, 0, 1000);
            assertThat(Files.readString(out)).as("old content until commit").isEqualTo("old");
            s.write(CONTENT, 1000, CONTENT.length - 1000);
            t.commit();
        }
        assertThat(Files.readAllBytes(out)).isEqualTo(CONTENT);
        assertThat(Processes.check(null, "stat", "-c", "%a", out.toString()).strip()).as("the replaced file's mode").isEqualTo("600");
        try (var names = Files.list(tmp)) {
            assertThat(names.toList()).containsExactly(out);
        }
    }

    @Test
    void anUncommittedWriteLeavesTheTargetAsItWas() throws Exception {
        Path out = tmp.resolve("out.bin");
        Files.writeString(out, "old");
        try (OutputTarget t = OutputTarget.open(out, false)) {
            t.stream().write(CONTENT);
        }
        assertThat(Files.readString(out)).isEqualTo("old");
        try (var names = Files.list(tmp)) {
            assertThat(names.toList()).containsExactly(out);
        }
    }

    @Test
    void aMissingDirectoryIsAnErrorAndIsNotCreated() {
        Path out = tmp.resolve("nonexistent/dir/x.tar");
        assertThatThrownBy(() -> OutputTarget.open(out, false)).isInstanceOf(IOException.class)
                .hasMessage("cannot write " + out + ": directory " + out.getParent() + " does not exist");
        assertThat(tmp.resolve("nonexistent")).doesNotExist();
        assertThatThrownBy(() -> OutputTarget.open(tmp, false)).hasMessageContaining("is a directory");
    }

    @Test
    void aSymlinkToAFileKeepsTheLinkAndReplacesTheFile() throws Exception {
        Path real = Files.writeString(tmp.resolve("real.bin"), "old");
        Path link = Files.createSymbolicLink(tmp.resolve("link.bin"), real.getFileName());
        try (OutputTarget t = OutputTarget.open(link, false)) {
            t.stream().write(CONTENT);
            t.commit();
        }
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readAllBytes(real)).isEqualTo(CONTENT);
    }

    @Test
    void aCharacterDeviceIsWrittenIntoNeverReplaced() throws Exception {
        Integration.requireRoot();
        Path dev = tmp.resolve("null");
        Processes.check(null, "mknod", dev.toString(), "c", "1", "3");
        String before = stat(dev);
        assertThat(before).startsWith("character special file 1:3");
        for (boolean seekable : new boolean[] {false, true}) {
            try (OutputTarget t = OutputTarget.open(dev, false)) {
                assertThat(t.kind()).isEqualTo(OutputTarget.Kind.STREAM);
                if (seekable) Files.write(t.seekableFile(), CONTENT);
                else t.stream().write(CONTENT);
                t.commit();
            }
            assertThat(stat(dev)).as("same node (type, rdev, inode)").isEqualTo(before);
        }
        try (var names = Files.list(tmp)) {
            assertThat(names.toList()).containsExactly(dev);
        }
    }

    @Test
    void aFifoReaderReceivesTheBytesFromAStreamAndFromASeekableFile() throws Exception {
        for (boolean seekable : new boolean[] {false, true}) {
            Path fifo = tmp.resolve("pipe-" + seekable);
            Processes.check(null, "mkfifo", fifo.toString());
            Path received = tmp.resolve("received-" + seekable);
            Process cat = new ProcessBuilder("cat", fifo.toString()).redirectOutput(received.toFile()).start();
            try (OutputTarget t = OutputTarget.open(fifo, false)) {
                if (seekable) Files.write(t.seekableFile(), CONTENT);
                else t.stream().write(CONTENT);
                t.commit();
            }
            assertThat(cat.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readAllBytes(received)).isEqualTo(CONTENT);
            assertThat(stat(fifo)).startsWith("fifo");
        }
    }

    @Test
    void aBlockDeviceIsRefusedNamingTheFlagAndWrittenFromTheStartWhenAllowed() throws Exception {
        Integration.requireRoot();
        Integration.requireTool("losetup");
        Path backing = tmp.resolve("disk.img");
        byte[] zeros = new byte[1 << 20];
        Files.write(backing, zeros);
        String loop = Processes.check(null, "losetup", "-f", "--show", backing.toString()).strip();
        try {
            Path node = tmp.resolve("blk");
            String[] majorMinor = Processes.check(null, "stat", "-c", "%t %T", loop).strip().split(" ");
            Processes.check(null, "mknod", node.toString(), "b", String.valueOf(Integer.parseInt(majorMinor[0], 16)),
                    String.valueOf(Integer.parseInt(majorMinor[1], 16)));
            String before = stat(node);
            assertThatThrownBy(() -> OutputTarget.open(node, false))
                    .hasMessageContaining("is a block device").hasMessageContaining(OutputTarget.BLOCK_DEVICE_FLAG);
            try (OutputTarget t = OutputTarget.open(node, true)) {
                t.stream().write("hello".getBytes(StandardCharsets.US_ASCII));
                t.commit();
            }
            assertThat(stat(node)).isEqualTo(before);
            Processes.check(null, "losetup", "-d", loop);
            loop = null;
            byte[] disk = Files.readAllBytes(backing);
            assertThat(new String(disk, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(disk).hasSize(zeros.length);
        } finally {
            if (loop != null) Processes.run(null, List.of("losetup", "-d", loop));
        }
    }
}
