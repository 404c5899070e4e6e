package dev.shed.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.Digest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContentStoreTest {
    @TempDir
    Path root;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private long filesIn(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }

    @Test
    void storesVerifiedBlobsReadOnly() throws Exception {
        Store store = Store.open(root);
        byte[] data = utf8("hello blob");
        Digest d = store.blobs().put(new ByteArrayInputStream(data), Digest.of(data), data.length);
        assertThat(d).isEqualTo(Digest.of(data));
        Path file = root.resolve("blobs/sha256").resolve(d.hex());
        assertThat(Files.readAllBytes(file)).isEqualTo(data);
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.GROUP_READ, PosixFilePermission.OTHERS_READ);
        assertThat(store.blobs().verify(d)).isTrue();
        assertThat(store.blobs().list()).containsExactly(d);
        assertThat(filesIn(store.layout().ingestDir())).isZero();
    }

    @Test
    void refusesWrongDigestAndLeavesNothing() throws Exception {
        Store store = Store.open(root);
        byte[] data = utf8("the real bytes");
        Digest claimed = Digest.of(utf8("other bytes"));
        assertThatThrownBy(() -> store.blobs().put(new ByteArrayInputStream(data), claimed, data.length))
                .isInstanceOf(BlobMismatchException.class).hasMessageContaining(claimed.toString()).hasMessageContaining(Digest.of(data).toString());
        assertThat(store.blobs().exists(claimed)).isFalse();
        assertThat(store.blobs().exists(Digest.of(data))).isFalse();
        assertThat(filesIn(store.layout().blobsDir())).isZero();
        assertThat(filesIn(store.layout().ingestDir())).isZero();
    }

    @Test
    void refusesWrongSizeEitherWayAndLeavesNothing() throws Exception {
        Store store = Store.open(root);
        byte[] data = utf8("twelve bytes");
        assertThatThrownBy(() -> store.blobs().put(new ByteArrayInputStream(data), Digest.of(data), data.length + 1))
                .isInstanceOf(BlobMismatchException.class).hasMessageContaining("expected " + (data.length + 1));
        assertThatThrownBy(() -> store.blobs().put(new ByteArrayInputStream(data), Digest.of(data), data.length - 1))
                .isInstanceOf(BlobMismatchException.class).hasMessageContaining("more than the expected");
        assertThat(filesIn(store.layout().blobsDir())).isZero();
        assertThat(filesIn(store.layout().ingestDir())).isZero();
    }

    @Test
    void existingBlobIsNotWrittenAgain() throws Exception {
        Store store = Store.open(root);
        byte[] data = utf8("once");
        Digest d = store.blobs().put(data);
        Path file = store.blobs().path(d);
        FileTime before = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, before);
        // a stream that would fail if read proves the copy is skipped
        var exploding = new java.io.InputStream() {
            @Override
            public int read() {
                throw new AssertionError("existing blob was read again");
            }
        };
        assertThat(store.blobs().put(exploding, d, data.length)).isEqualTo(d);
        assertThat(store.blobs().put(data)).isEqualTo(d);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(before);
    }

    @Test
    void leftoverIngestFileOfACrashIsReplacedByTheNextWrite() throws Exception {
        Store store = Store.open(root);
        byte[] data = utf8("complete content");
        Digest d = Digest.of(data);
        Files.createDirectories(store.layout().ingestDir());
        Path leftover = store.layout().ingestDir().resolve(d.hex() + ".partial");
        Files.write(leftover, utf8("garbage from a crash"));
        store.blobs().put(new ByteArrayInputStream(data), d, data.length);
        assertThat(Files.exists(leftover)).isFalse();
        assertThat(store.blobs().read(d)).isEqualTo(data);
    }

    @Test
    void resumedWriterRehashesThePartialFile() throws Exception {
        Store store = Store.open(root);
        byte[] data = utf8("0123456789abcdef");
        Digest d = Digest.of(data);
        try (BlobWriter w = store.blobs().writer(d, data.length, false)) {
            w.write(data, 0, 6);
        } // interrupted: the partial file stays for a resume
        try (BlobWriter w = store.blobs().writer(d, data.length, true)) {
            assertThat(w.offset()).isEqualTo(6);
            w.write(data, 6, data.length - 6);
            assertThat(w.commit()).isEqualTo(d);
        }
        assertThat(store.blobs().read(d)).isEqualTo(data);
    }

    @Test
    void blobsLargerThanTheFlushStepAreWrittenWhileFlushingAndResumeIntact() throws Exception {
        Store store = Store.open(root);
        byte[] data = new byte[(int) (BlobWriter.FLUSH_BEHIND_BYTES * 2 + 12345)];
        new java.util.Random(7).nextBytes(data);
        Digest d = Digest.of(data);
        int cut = (int) BlobWriter.FLUSH_BEHIND_BYTES + 999;
        try (BlobWriter w = store.blobs().writer(d, data.length, false)) {
            for (int off = 0; off < cut; off += 1 << 16) w.write(data, off, Math.min(1 << 16, cut - off));
        } // closed while a background flush may still run: the partial file must stay exact
        try (BlobWriter w = store.blobs().writer(d, data.length, true)) {
            assertThat(w.offset()).isEqualTo(cut);
            for (int off = cut; off < data.length; off += 1 << 16) {
                w.write(data, off, Math.min(1 << 16, data.length - off));
            }
            assertThat(w.commit()).isEqualTo(d);
        }
        assertThat(store.blobs().read(d)).isEqualTo(data);
        assertThat(filesIn(store.layout().ingestDir())).isZero();
    }

    @Test
    void staleIngestFilesAreOldAndUnlocked() throws Exception {
        Store store = Store.open(root);
        Files.createDirectories(store.layout().ingestDir());
        Path old = store.layout().ingestDir().resolve("a".repeat(64) + ".partial");
        Path fresh = store.layout().ingestDir().resolve("b".repeat(64) + ".partial");
        Path oldButLocked = store.layout().ingestDir().resolve("c".repeat(64) + ".partial");
        for (Path p : new Path[] {old, fresh, oldButLocked}) Files.write(p, utf8("x"));
        FileTime twoHoursAgo = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
        Files.setLastModifiedTime(old, twoHoursAgo);
        Files.setLastModifiedTime(oldButLocked, twoHoursAgo);
        try (FileLocks.Held held = store.locks().exclusive("blob-" + "c".repeat(64))) {
            Thread t = new Thread(() -> {
                try {
                    assertThat(store.blobs().staleIngestFiles(Duration.ofHours(1))).containsExactly(old);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            AssertingThread.run(t);
        }
        assertThat(store.blobs().staleIngestFiles(Duration.ofHours(1))).containsExactly(old, oldButLocked);
    }

    /** Runs a thread and rethrows its assertion failure in the test thread. */
    static final class AssertingThread {
        static void run(Thread t) throws InterruptedException {
            Throwable[] failure = new Throwable[1];
            t.setUncaughtExceptionHandler((th, e) -> failure[0] = e);
            t.start();
            t.join();
            if (failure[0] != null) throw new AssertionError(failure[0]);
        }
    }
}
