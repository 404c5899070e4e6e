package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API rules that need no external reader. */
class WriterContractTest {
    @Test
    void missingHardlinkTargetNamesBothPaths(@TempDir Path tmp) throws Exception {
        ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults());
        w.add(ErofsEntry.builder("a/link", EntryType.HARDLINK).linkTarget("b/missing").build());
        assertThatThrownBy(w::close).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/link").hasMessageContaining("b/missing");
    }

    @Test
    void streamShorterThanDeclaredSizeIsRejected(@TempDir Path tmp) throws Exception {
        ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults());
        assertThatThrownBy(() -> w.add(ErofsEntry.builder("f", EntryType.FILE).size(10).build(),
                new ByteArrayInputStream(new byte[3]))).hasMessageContaining("early");
        assertThatThrownBy(w::close).isInstanceOf(IllegalStateException.class);
        assertThat(tmp.resolve("x.erofs")).doesNotExist();
        assertThat(tmp.toFile().list()).isEmpty();
    }

    @Test
    void unsupportedXattrNamespaceIsRejected(@TempDir Path tmp) throws Exception {
        try (ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults())) {
            assertThatThrownBy(() -> w.add(ErofsEntry.builder("d", EntryType.DIRECTORY).xattr("os2.x", new byte[1]).build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("os2.x");
        }
    }

    @Test
    void laterAddReplacesAndStatsAreReported(@TempDir Path tmp) throws Exception {
        ErofsWriter w = ErofsWriter.create(tmp.resolve("x.erofs"), ErofsOptions.defaults());
        try (w) {
            w.add(ErofsEntry.builder("p", EntryType.FILE).size(3).build(), new ByteArrayInputStream(new byte[3]));
            w.add(ErofsEntry.builder("p", EntryType.DIRECTORY).build());
            w.add(ErofsEntry.builder("p/child", EntryType.FIFO).build());
        }
        assertThat(w.stats().inodes()).isEqualTo(3);
        assertThat(w.stats().regularFiles()).isZero();
        assertThat(w.stats().imageBytes() % 4096).isZero();
    }
}
