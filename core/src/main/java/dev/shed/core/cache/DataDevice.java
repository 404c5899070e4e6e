package dev.shed.core.cache;

import dev.shed.core.oci.Digest;
import java.nio.file.Path;

/**
 * A layer's data device in cache/layers/sha256/: {@code <layer-hex>.<key>.erofsdev} (the file data of every
 * regular file in the layer, which shared lowers point into) and its {@code .erofsdev.idx} index. Derived data:
 * it lives as long as some lower's record lists it.
 *
 * @param key   the build parameters it was made with (the part between the layer hex and {@code .erofsdev})
 * @param bytes the device plus its index, as {@code du -b} counts them
 */
public record DataDevice(Digest layer, String key, Path path, long bytes) {
    public static final String SUFFIX = ".erofsdev";
    public static final String INDEX_SUFFIX = ".erofsdev.idx";

    /** The lock a build of this device holds; deletion try-locks it, so it never races a build. */
    public String lockName() {
        return lockName(layer, key);
    }

    public static String lockName(Digest layer, String key) {
        return dev.shed.core.materialize.shared.LayerDevices.lockName(layer, key);
    }

    public Path index() {
        return index(path);
    }

    public static Path index(Path device) {
        return device.resolveSibling(device.getFileName() + ".idx");
    }
}
