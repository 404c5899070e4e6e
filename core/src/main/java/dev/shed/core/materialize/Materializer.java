package dev.shed.core.materialize;

import dev.shed.core.image.ImageReader;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.materialize.shared.LayerDevices;
import dev.shed.core.materialize.shared.MetadataImageBuilder;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreDirs;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a manifest into its lower, {@code cache/sha256/<manifest-hex>.erofs}, lazily: a lower whose record
 * ({@link LowerRecord}) matches the current options is reused; otherwise it is built into the store's tmp
 * directory and renamed into place, under a per-manifest lock so concurrent processes build it once. A reader
 * never sees a partial image, and never an image built with other parameters.
 *
 * <p>With the {@code shared} layout the image is a metadata image over the layers' data devices
 * ({@link LayerDevices}): the missing devices are built first (each under its own lock; lock order is always
 * {@code lower-<m>} then {@code layerdev-…}), then the image from their indexes alone, so a manifest whose devices
 * all exist is materialized without reading a layer blob.
 */
public final class Materializer {
    private final Store store;
    private final MaterializeOptions options;
    private final Progress progress;
    private final ErofsBackend builder;

    public Materializer(Store store, MaterializeOptions options, Progress progress) {
        if (options.layout() == MaterializeOptions.Layout.SHARED && options.backend() != MaterializeOptions.Backend.JAVA) {
            throw new IllegalArgumentException("the shared layout is written by the java backend only (not "
                    + options.backend().cliName() + ")");
        }
        this.store = store;
        this.options = options;
        this.progress = progress == null ? Progress.NONE : progress;
        this.builder = options.backend() == MaterializeOptions.Backend.JAVA ? new JavaErofsBuilder() : new MkfsErofsBuilder();
    }

    public MaterializeOptions options() {
        return options;
    }

    /** The lock name that serialises building (and, for the lifecycle, deleting) one manifest's lower. */
    public static String lockName(Digest manifest) {
        return "lower-" + manifest.hex();
    }

    /** The lower of {@code manifest}, built now unless a current one exists. */
    public Lower materialize(Digest manifest) throws IOException {
        Lower have = currentLower(manifest);
        if (have != null) return have;
        StoreLayout layout = store.layout();
        Path image = layout.erofsLower(manifest);
        try (FileLocks.Held session = store.writeSession(); FileLocks.Held lock = store.locks().exclusive(lockName(manifest))) {
            have = currentLower(manifest);
            if (have != null) return have;
            Manifest m = Manifest.parse(store.blobs().read(manifest), null);
            boolean shared = options.layout() == MaterializeOptions.Layout.SHARED;
            // with diff_ids, checked while read; a shared lower needs a blob only for a layer without a data device
            List<LayerBlob> layers = shared ? sharedLayers(m) : new ImageReader(store).layers(m);
            StoreDirs.ensure(layout, layout.tmpDir()); // never through a symlink (StoreDirs)
            StoreDirs.ensure(layout, layout.cacheDir());
            String id = "lower-" + manifest.hex() + "-" + UUID.randomUUID(); // full hex: prune tells live from abandoned by the lower lock
            Path tmp = layout.tmpDir().resolve(id + ".erofs");
            Path scratch = layout.tmpDir().resolve(id + ".d");
            try {
                List<LowerRecord.Device> devices = List.of();
                try {
                    if (shared) {
                        devices = buildShared(layers, tmp, manifest, m);
                    } else {
                        Files.createDirectories(scratch);
                        builder.build(layers, tmp, scratch, options, progress, uuid(manifest), buildTime(m));
                    }
                } catch (dev.shed.core.layer.LayerIntegrityException e) {
                    throw e.inImage("image " + manifest);
                }
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                long size = Files.size(tmp);
                StoreDirs.setMode(tmp, StoreDirs.READ_ONLY_MODE); // 0444 whatever the umask: nobody rewrites a lower
                LowerRecord record = record(manifest, size, devices);
                // record gone first, then the image, then the new record: a crash anywhere leaves no record that
                // vouches for an image it doesn't describe
                Files.deleteIfExists(layout.erofsLowerRecord(manifest));
                AtomicFiles.move(tmp, image);
                AtomicFiles.write(layout.erofsLowerRecord(manifest), record.toJson());
                return new Lower(manifest, image, size, true, record.devicePaths(layout));
            } finally {
                Files.deleteIfExists(tmp);
                MkfsErofsBuilder.deleteTree(scratch);
            }
        }
    }

    /**
     * The manifest's layers for a shared lower: as {@link ImageReader#layers} gives them (diff_ids checked while a
     * device is built from a blob), except that a layer blob may be missing when its data device exists.
     */
    private List<LayerBlob> sharedLayers(Manifest m) throws IOException {
        ImageReader reader = new ImageReader(store);
        boolean allBlobs = true;
        for (Descriptor d : m.layers()) allBlobs &= store.blobs().exists(d.digest());
        if (allBlobs) return reader.layers(m);
        List<String> diffIds;
        try {
            diffIds = reader.config(m).diffIds();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        if (diffIds.size() != m.layers().size()) return reader.layers(m);   // its error names the mismatch
        List<LayerBlob> out = new ArrayList<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor d = m.layers().get(i);
            Digest diffId;
            try {
                diffId = Digest.parse(diffIds.get(i));
            } catch (IllegalArgumentException e) {
                return reader.layers(m);   // its error names the bad diff_id
            }
            out.add(new LayerBlob(d, () -> store.blobs().open(d.digest()), diffId));
        }
        return out;
    }

    private List<LowerRecord.Device> buildShared(List<LayerBlob> layers, Path tmp, Digest manifest, Manifest m)
            throws IOException {
        LayerDevices devices = new LayerDevices(store, JavaErofsBuilder.erofsOptions(options, null, 0), progress);
        Map<Digest, LayerDevices.Device> byLayer = devices.ensure(layers);
        Progress.Task task = progress.start(manifest.shortHex(), "Writing metadata image", -1);
        List<LayerDevices.Device> table = new MetadataImageBuilder(devices).build(layers, byLayer, tmp,
                JavaErofsBuilder.erofsOptions(options, uuid(manifest), buildTime(m)), progress);
        task.finish("Written");
        Path root = store.layout().root();
        return table.stream().map(d -> new LowerRecord.Device(d.layer(),
                root.relativize(d.path()).toString(), d.blocks())).toList();
    }

    /** The image's volume UUID: the first 16 bytes of the manifest digest (stable, distinct per manifest). */
    static byte[] uuid(Digest manifest) {
        return java.util.Arrays.copyOf(java.util.HexFormat.of().parseHex(manifest.hex()), 16);
    }

    /** The config's creation time in seconds (0 when absent or unreadable): stable for the manifest. */
    private long buildTime(Manifest m) {
        try {
            String created = dev.shed.core.json.Json.text(
                    dev.shed.core.json.Json.parseObject(store.blobs().read(m.config().digest()), "config"), "created");
            return created == null ? 0 : Math.max(0, java.time.OffsetDateTime.parse(created).toEpochSecond());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** Whether the lower exists and was built with exactly the current options (no build, no lock). */
    public boolean isCurrent(Digest manifest) {
        try {
            return currentLower(manifest) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The lower if its record matches the current options and sizes, and (shared) every data device it names is
     * complete: present at its recorded size with its index beside it. Null otherwise.
     */
    private Lower currentLower(Digest manifest) throws IOException {
        StoreLayout layout = store.layout();
        try {
            Path image = layout.erofsLower(manifest);
            // a symlink in the place of the lower, its record or a device is never served (nor read)
            if (!StoreDirs.isRegularFile(image) || !StoreDirs.isRegularFile(layout.erofsLowerRecord(manifest))) return null;
            LowerRecord have = LowerRecord.read(layout, manifest);
            if (have == null) return null;
            long size = Files.size(image);
            if (!have.key().equals(record(manifest, size, List.of()).key()) || have.size() != size) return null;
            List<Path> devices = have.devicePaths(layout);
            for (int i = 0; i < devices.size(); i++) {
                Path dev = devices.get(i);
                LowerRecord.Device d = have.devices().get(i);
                if (!StoreDirs.isRegularFile(dev) || Files.size(dev) != d.blocks() * 4096 || !Files.exists(Path.of(dev + ".idx"))) return null;
            }
            return new Lower(manifest, image, size, false, have.devicePaths(layout));
        } catch (NoSuchFileException | IllegalArgumentException e) {
            return null;   // gone, or a record whose device paths leave cache/layers: never served
        }
    }

    private LowerRecord record(Digest manifest, long size, List<LowerRecord.Device> devices) throws IOException {
        boolean shared = options.layout() == MaterializeOptions.Layout.SHARED;
        String writer = shared ? JavaErofsBuilder.WRITER_FORMAT + "+" + MetadataImageBuilder.FORMAT : builder.writer();
        return new LowerRecord(LowerRecord.FORMAT_VERSION, manifest, options.backend().cliName(), writer,
                options.compression().cliName(), options.effectiveLevel(), options.pclusterSize(), size,
                options.layout().cliName(), devices);
    }
}
