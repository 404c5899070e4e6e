package dev.shed.core.lifecycle;

import dev.shed.core.cache.LowerSource;
import dev.shed.core.materialize.Lower;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.AtomicFiles;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for the materializer in policy tests that never mount: writes a lower file of a fixed size (and a
 * parameter record) under the same lock and with the same atomic rename, and counts builds.
 */
public final class FakeLowerBuilder implements LowerSource {
    public static final int LOWER_BYTES = 10_000;
    public static final byte[] RECORD = "{\"fake\":true}\n".getBytes(StandardCharsets.UTF_8);

    private final Store store;
    public final List<Digest> builds = new ArrayList<>();

    public FakeLowerBuilder(Store store) {
        this.store = store;
    }

    /** Bytes one lower takes in cache/ (file + record), as df and the LRU budget count them. */
    public static long footprint() {
        return LOWER_BYTES + RECORD.length;
    }

    @Override
    public synchronized Lower build(Digest manifest) throws IOException {
        try (FileLocks.Held lock = store.locks().exclusive("lower-" + manifest.hex())) {
            if (isCurrent(manifest)) return new Lower(manifest, store.layout().erofsLower(manifest), Files.size(store.layout().erofsLower(manifest)), false);
            if (!store.blobs().exists(manifest)) throw new IOException("manifest " + manifest + " is not in the store");
            AtomicFiles.write(store.layout().erofsLower(manifest), TestImages.noise(manifest.hashCode(), LOWER_BYTES));
            AtomicFiles.write(store.layout().erofsLowerRecord(manifest), RECORD);
            builds.add(manifest);
            return new Lower(manifest, store.layout().erofsLower(manifest), LOWER_BYTES, true);
        }
    }

    @Override
    public boolean isCurrent(Digest manifest) {
        return Files.isRegularFile(store.layout().erofsLower(manifest)) && Files.isRegularFile(store.layout().erofsLowerRecord(manifest));
    }
}
