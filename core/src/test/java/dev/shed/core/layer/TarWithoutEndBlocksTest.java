package dev.shed.core.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.oci.MediaType;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import dev.shed.erofs.ErofsEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers whose tar stops right after the last entry's data (no end blocks: umoci 0.4's insert writes these) are
 * read to the end, and {@link LayerReader} tells that apart from a cut inside data by commons-compress's exception
 * message, the only signal it gives. This pins that message: a commons-compress upgrade that rewords it fails here
 * instead of making such layers fail silently. The tars are GNU tar's, cut with the trailer removed.
 */
class TarWithoutEndBlocksTest {
    @TempDir
    Path tmp;

    /**
     * GNU tar's archive of one 1000-byte file, cut right after the file's data (header 512 + data 1000): no padding
     * to the 512-byte block, no end blocks. (Cut at a block boundary, commons-compress reports a clean end.)
     */
    private byte[] tarWithoutEndBlocks() throws Exception {
        Integration.requireTool("tar");
        Path src = Files.createDirectories(tmp.resolve("src"));
        byte[] data = new byte[1000];
        Arrays.fill(data, (byte) 'x');
        Files.write(src.resolve("f"), data);
        Path tar = tmp.resolve("t.tar");
        Processes.check(src, "tar", "--format=gnu", "-cf", tar.toString(), "f");
        byte[] full = Files.readAllBytes(tar);
        return Arrays.copyOf(full, 512 + 1000);
    }

    @Test
    void commonsCompressStillSaysTruncatedTarArchiveAtTheMissingTrailer() throws Exception {
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tarWithoutEndBlocks()))) {
            assertThat(in.getNextEntry().getName()).isEqualTo("f");
            assertThat(in.readAllBytes()).hasSize(1000);
            assertThatThrownBy(in::getNextEntry).isInstanceOf(IOException.class).hasMessage("Truncated TAR archive");
        }
    }

    @Test
    void layerReaderReadsSuchALayerToTheEndButRefusesACutInsideData() throws Exception {
        byte[] tar = tarWithoutEndBlocks();
        try (LayerReader r = LayerReader.open(LayerReaderTest.blob(MediaType.OCI_LAYER_TAR, tar), null)) {
            ErofsEntry e = r.next();
            assertThat(e.path()).isEqualTo("f");
            assertThat(r.data().readAllBytes()).hasSize(1000);
            assertThat(r.next()).isNull();
        }
        byte[] cut = Arrays.copyOf(tar, 512 + 600);
        assertThatThrownBy(() -> {
            try (LayerReader r = LayerReader.open(LayerReaderTest.blob(MediaType.OCI_LAYER_TAR, cut), null)) {
                r.next();
                r.data().readAllBytes();
                r.next();
            }
        }).isInstanceOf(IOException.class);
    }
}
