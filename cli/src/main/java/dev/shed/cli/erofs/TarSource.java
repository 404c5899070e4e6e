package dev.shed.cli.erofs;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.layer.LayerReader;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ErofsWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

/**
 * A tar file (plain, gzip or zstd, told apart by magic bytes) fed to an {@link ErofsWriter} entry by entry, with
 * shed's layer reader (full tar semantics). It is a plain archive, not a layer: whiteout names stay files.
 */
final class TarSource {
    private final Path tar;

    TarSource(Path tar) {
        this.tar = tar;
    }

    void writeTo(ErofsWriter writer) throws IOException {
        // The layer reader names the blob digest in its errors; a digest pass is cheap next to compression.
        LayerBlob blob = new LayerBlob(new Descriptor(mediaType(), sha256(), Files.size(tar)), () -> Files.newInputStream(tar));
        try (LayerReader reader = LayerReader.open(blob, null)) {
            for (ErofsEntry e = reader.next(); e != null; e = reader.next()) {
                if (e.type() == EntryType.FILE) writer.add(e, reader.data());
                else writer.add(e);
            }
        }
    }

    private String mediaType() throws IOException {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(tar)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) return MediaType.OCI_LAYER_GZIP;
        if (n == 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5 && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return MediaType.OCI_LAYER_ZSTD;
        }
        return MediaType.OCI_LAYER_TAR;
    }

    private Digest sha256() throws IOException {
        MessageDigest md = Digest.newSha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(tar), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return Digest.fromRaw(md.digest());
    }
}
