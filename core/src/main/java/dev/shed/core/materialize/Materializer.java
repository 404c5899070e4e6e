package dev.shed.core.materialize;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.progress.Progress;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Turns a manifest into its lower, {@code cache/sha256/<manifest-hex>.erofs}, lazily: a lower whose record
 * ({@link LowerRecord}) matches the current options is reused; otherwise it is built into the store's tmp
 * directory and renamed into place, under a per-manifest lock so concurrent processes build it once. A reader
 * never sees a partial image, and never an image built with other parameters.
 */
public final class Materializer {
    private final Store store;
    private final MaterializeOptions options;
    private final Progress progress;
    private final ErofsBackend builder;

    public Materializer(Store store, MaterializeOptions options, Progress progress) {
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
        StoreLayout layout = store.layout();
        Path image = layout.erofsLower(manifest);
        if (isCurrent(manifest)) return new Lower(manifest, image, Files.size(image), false);
        try (FileLocks.Held session = store.writeSession(); FileLocks.Held lock = store.locks().exclusive(lockName(manifest))) {
            if (isCurrent(manifest)) return new Lower(manifest, image, Files.size(image), false);
            Manifest m = Manifest.parse(store.blobs().read(manifest), null);
            List<LayerBlob> layers = new dev.shed.core.image.ImageReader(store).layers(m); // with diff_ids, checked while read
            Files.createDirectories(layout.tmpDir());
            Files.createDirectories(layout.cacheDir());
            String id = "lower-" + manifest.hex() + "-" + UUID.randomUUID(); // full hex: prune tells live from abandoned by the lower lock
            Path tmp = layout.tmpDir().resolve(id + ".erofs");
            Path scratch = layout.tmpDir().resolve(id + ".d");
            try {
                Files.createDirectories(scratch);
                try {
                    builder.build(layers, tmp, scratch, options, progress, uuid(manifest), buildTime(m));
                } catch (dev.shed.core.layer.LayerIntegrityException e) {
                    throw e.inImage("image " + manifest);
                }
                try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
                long size = Files.size(tmp);
                LowerRecord record = record(manifest, size);
                // record gone first, then the image, then the new record: a crash anywhere leaves no record that
                // vouches for an image it doesn't describe
                Files.deleteIfExists(layout.erofsLowerRecord(manifest));
                AtomicFiles.move(tmp, image);
                AtomicFiles.write(layout.erofsLowerRecord(manifest), record.toJson());
                return new Lower(manifest, image, size, true);
            } finally {
                Files.deleteIfExists(tmp);
                MkfsErofsBuilder.deleteTree(scratch);
            }
        }
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
        StoreLayout layout = store.layout();
        try {
            byte[] raw = Files.readAllBytes(layout.erofsLowerRecord(manifest));
            LowerRecord have = LowerRecord.parse(raw);
            if (have == null) return false;
            long size = Files.size(layout.erofsLower(manifest));
            return have.key().equals(record(manifest, size).key()) && have.size() == size;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private LowerRecord record(Digest manifest, long size) throws IOException {
        return new LowerRecord(LowerRecord.FORMAT_VERSION, manifest, options.backend().cliName(), builder.writer(),
                options.compression().cliName(), options.effectiveLevel(), options.pclusterSize(), size);
    }
}
