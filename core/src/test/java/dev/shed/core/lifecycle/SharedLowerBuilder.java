package dev.shed.core.lifecycle;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shed.core.cache.CacheDir;
import dev.shed.core.cache.DataDevice;
import dev.shed.core.cache.LowerSource;
import dev.shed.core.image.ImageReader;
import dev.shed.core.materialize.Lower;
import dev.shed.core.materialize.LowerRecord;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.FileTrees;
import dev.shed.core.store.Store;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

/**
 * Real shared lowers for lifecycle tests, made by a third party: per layer, the layer extracted with tar(1) and
 * written by erofs-utils 1.9's {@code mkfs.erofs --chunksize=4096} as the layer's data device
 * (cache/layers/sha256/&lt;layer-hex&gt;.{@value #KEY}.erofsdev, plus an .idx); per manifest, {@code mkfs.erofs}'s
 * rebuild mode over those devices (a metadata-only image whose device table lists them, in layer order), with a
 * record in the store's contract shape ({@code layout: shared}, {@code devices}). Same locks as the materializer:
 * the write session while building, {@code layerdev-<hex>.<key>} per device, {@code lower-<hex>} per manifest.
 * The test images have no whiteouts, so rebuild mode's merge equals the OCI merge here.
 */
public final class SharedLowerBuilder implements LowerSource {
    public static final Path MKFS = Path.of("/opt/erofs-utils-1.9/bin/mkfs.erofs");
    public static final String KEY = "test-chunk4k";

    private final Store store;
    public final List<Digest> builds = Collections.synchronizedList(new ArrayList<>());
    public final List<Digest> deviceBuilds = Collections.synchronizedList(new ArrayList<>());

    public SharedLowerBuilder(Store store) {
        this.store = store;
    }

    /** Skips (fails under SHED_REQUIRE_INTEGRATION) without erofs-utils 1.9 (rebuild mode writes device tables). */
    public static void requireMkfs() {
        boolean present = Files.isExecutable(MKFS);
        if (!present && Integration.required()) throw new AssertionError(MKFS + " missing but SHED_REQUIRE_INTEGRATION is set");
        assumeTrue(present, MKFS + " not installed");
        Integration.requireTool("tar");
    }

    public Path device(Digest layer) {
        return CacheDir.devicesDir(store.layout()).resolve(layer.hex() + "." + KEY + DataDevice.SUFFIX);
    }

    @Override
    public Lower build(Digest manifest) throws IOException {
        try (FileLocks.Held session = store.writeSession();
             FileLocks.Held lock = store.locks().exclusive("lower-" + manifest.hex())) {
            Path image = store.layout().erofsLower(manifest);
            if (isCurrent(manifest)) return new Lower(manifest, image, Files.size(image), false, devices(manifest));
            Manifest m = new ImageReader(store).manifest(new Descriptor(MediaType.OCI_MANIFEST, manifest, store.blobs().size(manifest)));
            List<LowerRecord.Device> devices = new ArrayList<>();
            List<String> cmd = new ArrayList<>(List.of(MKFS.toString(), "-T0", "-U", "00000000-0000-0000-0000-000000000001"));
            Path tmp = store.layout().tmpDir().resolve("lower-" + manifest.hex() + "-" + UUID.randomUUID() + ".erofs");
            cmd.add(tmp.toString());
            for (Descriptor l : m.layers()) {
                Path dev = ensureDevice(l);
                devices.add(new LowerRecord.Device(l.digest(), store.layout().root().relativize(dev).toString(), Files.size(dev) / 4096));
                cmd.add(dev.toString());
            }
            try {
                Files.createDirectories(tmp.getParent());
                Processes.check(null, cmd.toArray(String[]::new));
                Files.createDirectories(image.getParent());
                Files.deleteIfExists(store.layout().erofsLowerRecord(manifest));
                AtomicFiles.move(tmp, image);
                LowerRecord record = new LowerRecord(LowerRecord.FORMAT_VERSION, manifest, "test", "mkfs.erofs-1.9-rebuild", "none",
                        0, 4096, Files.size(image), LowerRecord.SHARED, devices);
                AtomicFiles.write(store.layout().erofsLowerRecord(manifest), record.toJson());
                builds.add(manifest);
                return new Lower(manifest, image, Files.size(image), true, devices(manifest));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The layer's data device, built once under its lock (a second manifest with the layer reuses it). */
    private Path ensureDevice(Descriptor layer) throws IOException {
        Path dev = device(layer.digest());
        try (FileLocks.Held lock = store.locks().exclusive(DataDevice.lockName(layer.digest(), KEY))) {
            if (Files.isRegularFile(dev) && Files.isRegularFile(DataDevice.index(dev))) return dev;
            Files.createDirectories(store.layout().tmpDir());
            Path tree = Files.createTempDirectory(store.layout().tmpDir(), "layerdev-" + layer.digest().hex() + "." + KEY + "-tree");
            Path tmp = store.layout().tmpDir().resolve("layerdev-" + layer.digest().hex() + "." + KEY + "-" + UUID.randomUUID());
            try {
                String flags = MediaType.layerCompression(layer.mediaType()) == MediaType.Compression.GZIP ? "-xzpf" : "-xpf";
                Processes.check(null, "tar", flags, store.blobs().path(layer.digest()).toString(), "-C", tree.toString());
                Processes.check(null, MKFS.toString(), "-T0", "--chunksize=4096", "-U", "00000000-0000-0000-0000-000000000002",
                        tmp.toString(), tree.toString());
                Files.createDirectories(dev.getParent());
                AtomicFiles.move(tmp, dev);
                AtomicFiles.write(DataDevice.index(dev), ("index of " + layer.digest() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                deviceBuilds.add(layer.digest());
                return dev;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } finally {
                FileTrees.delete(tree);
                Files.deleteIfExists(tmp);
            }
        }
    }

    private List<Path> devices(Digest manifest) {
        return new CacheDir(store.layout()).devicesOf(manifest);
    }

    @Override
    public boolean isCurrent(Digest manifest) {
        if (!Files.isRegularFile(store.layout().erofsLower(manifest))) return false;
        var record = new CacheDir(store.layout()).record(manifest);
        if (record.isEmpty() || !record.get().shared()) return false;
        for (Path d : record.get().devicePaths(store.layout())) if (!Files.isRegularFile(d)) return false;
        return true;
    }
}
