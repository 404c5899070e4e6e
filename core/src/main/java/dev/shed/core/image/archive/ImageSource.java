package dev.shed.core.image.archive;

import dev.shed.core.oci.Digest;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Images and blobs offered by an archive: an OCI image layout (directory or tar) or a {@code docker save} archive.
 * Blob bytes come straight from the archive; the importer verifies them, the source does not.
 */
public interface ImageSource extends Closeable {
    String describe();

    List<SourceImage> images();

    boolean has(Digest d);

    /** Size of the blob as stored in the archive. */
    long size(Digest d) throws IOException;

    InputStream open(Digest d) throws IOException;

    default byte[] read(Digest d, long limit) throws IOException {
        long size = size(d);
        if (size > limit) throw new IllegalArgumentException(describe() + ": blob " + d + " is " + size + " bytes, more than the " + limit + " allowed for a manifest or config");
        try (InputStream in = open(d)) {
            return in.readNBytes((int) size);
        }
    }

    /** Detects the archive kind: OCI layout (index.json) first, else docker save (manifest.json). */
    static ImageSource open(Path path, Path scratch) throws IOException {
        ArchiveFiles files = ArchiveFiles.open(path, scratch);
        try {
            if (files.exists("index.json")) return new OciLayoutSource(files);
            if (files.exists("manifest.json")) return new DockerArchiveSource(files);
        } catch (IOException | RuntimeException e) {
            files.close();
            throw e;
        }
        files.close();
        throw new IllegalArgumentException(path + ": not an OCI image layout (no index.json) nor a docker save archive (no manifest.json)");
    }
}
