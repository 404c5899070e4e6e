package dev.shed.core.lifecycle;

import dev.shed.core.cache.LowerSource;
import dev.shed.core.materialize.Lower;
import dev.shed.core.image.ImageReader;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.FileTrees;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real erofs lower for mount tests, made by third-party tools: the layers extracted in order with tar(1)
 * (the test images have no whiteouts), then mkfs.erofs. Same lock and atomic rename as the materializer.
 */
public final class ExtractingLowerBuilder implements LowerSource {
    private final Store store;
    public final List<Digest> builds = new ArrayList<>();

    public ExtractingLowerBuilder(Store store) {
        this.store = store;
    }

    @Override
    public synchronized Lower build(Digest manifest) throws IOException {
        try (FileLocks.Held lock = store.locks().exclusive("lower-" + manifest.hex())) {
            Path lower = store.layout().erofsLower(manifest);
            if (isCurrent(manifest)) return new Lower(manifest, lower, Files.size(lower), false);
            Manifest m = new ImageReader(store).manifest(new Descriptor(MediaType.OCI_MANIFEST, manifest, store.blobs().size(manifest)));
            Files.createDirectories(store.layout().tmpDir());
            Path tree = Files.createTempDirectory(store.layout().tmpDir(), manifest.hex() + ".tree");
            Path image = store.layout().tmpDir().resolve(manifest.hex() + ".erofs.tmp");
            try {
                for (Descriptor l : m.layers()) {
                    String flags = MediaType.layerCompression(l.mediaType()) == MediaType.Compression.GZIP ? "-xzpf" : "-xpf";
                    Processes.check(null, "tar", flags, store.blobs().path(l.digest()).toString(), "-C", tree.toString());
                }
                Processes.check(null, "mkfs.erofs", image.toString(), tree.toString());
                Files.createDirectories(lower.getParent());
                AtomicFiles.move(image, lower);
                AtomicFiles.write(store.layout().erofsLowerRecord(manifest), "{\"builder\":\"tar+mkfs.erofs\"}\n".getBytes(StandardCharsets.UTF_8));
                builds.add(manifest);
                return new Lower(manifest, lower, Files.size(lower), true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                FileTrees.delete(tree);
                Files.deleteIfExists(image);
            }
        }
    }

    @Override
    public boolean isCurrent(Digest manifest) {
        return Files.isRegularFile(store.layout().erofsLower(manifest)) && Files.isRegularFile(store.layout().erofsLowerRecord(manifest));
    }
}
