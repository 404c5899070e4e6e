package dev.shed.core.image;

import com.github.luben.zstd.ZstdInputStream;
import dev.shed.core.image.build.DirectoryTar;
import dev.shed.core.image.build.ImageAssembler;
import dev.shed.core.image.build.LayerBuilder;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.BlobWriter;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * {@code shed image import}: a one-layer image from a root filesystem, like {@code docker import}. A tar (plain,
 * gzip or zstd) becomes the layer as it is (its entries, owners and modes untouched, recompressed with gzip); a
 * directory is written as a sorted, deterministic tar keeping every xattr's exact bytes ({@link DirectoryTar}). The
 * config gets the layer's diff_id and one history entry "shed image import"; the manifest is OCI with a tar+gzip
 * layer.
 */
public final class RootfsImporter {
    public static final String CREATED_BY = "shed image import";

    public record Options(String tag, Platform platform, Instant created, ImageLimits limits) {
        public Options {
            if (platform == null) platform = Platform.host();
            if (created == null) created = Instant.now();
            if (limits == null) limits = ImageLimits.DEFAULT;
        }
    }

    private final Store store;

    public RootfsImporter(Store store) {
        this.store = store;
    }

    public ArchiveImporter.Imported importRootfs(Path source, Options options) throws IOException {
        String name = ArchiveImporter.normaliseTag(options.tag());
        options.limits().checkLayerCount(1, name);
        if (!Files.exists(source)) throw new NoSuchFileException(source.toString());
        boolean dir = Files.isDirectory(source);
        if (!dir) checkIsTar(source);
        try (FileLocks.Held session = store.writeSession()) {
            LayerBuilder.Result layer;
            Descriptor layerDesc;
            try (BlobWriter w = store.blobs().writerForNewContent()) {
                LayerBuilder b = new LayerBuilder(w.asOutputStream());
                if (dir) {
                    DirectoryTar.write(source, b.rawTar());
                } else {
                    try (InputStream in = decompressed(source)) {
                        in.transferTo(b.rawTar());
                    }
                }
                layer = b.finish();
                w.commit();
                layerDesc = new Descriptor(MediaType.OCI_LAYER_GZIP, layer.digest(), layer.size());
            }
            byte[] config = ImageAssembler.config(options.platform(), options.created(), List.of(layer.diffId()),
                    List.of(new ImageAssembler.Step(CREATED_BY, false)));
            Descriptor configDesc = new Descriptor(MediaType.OCI_CONFIG, store.blobs().put(config), config.length);
            byte[] manifest = ImageAssembler.manifest(configDesc, List.of(layerDesc));
            Descriptor target = new Descriptor(MediaType.OCI_MANIFEST, store.blobs().put(manifest), manifest.length);
            store.names().put(name, target);
            return new ArchiveImporter.Imported(name, target);
        }
    }

    /** Reads the whole tar once so a file that is not a tar is refused before anything is written. */
    private static void checkIsTar(Path source) throws IOException {
        int entries = 0;
        try (InputStream in = decompressed(source); TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            while (tar.getNextEntry() != null) entries++;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": not a tar archive or directory (" + e.getMessage() + ")");
        }
        if (entries == 0) throw new IllegalArgumentException(source + ": not a tar archive or directory (no entries)");
    }

    /** The file's tar bytes, decompressing gzip or zstd by their magic numbers (not by the file name). */
    static InputStream decompressed(Path source) throws IOException {
        InputStream raw = new BufferedInputStream(Files.newInputStream(source), 1 << 16);
        raw.mark(4);
        byte[] m = raw.readNBytes(4);
        raw.reset();
        try {
            if (m.length >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) return new GZIPInputStream(raw, 1 << 16);
            if (m.length == 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) return new ZstdInputStream(raw);
            return raw;
        } catch (IOException e) {
            raw.close();
            throw e;
        }
    }
}
