package dev.shed.core.oci;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A guest kernel or initrd that travels with an image as a plain blob named by a manifest annotation (upstream
 * shed's convention: {@code io.shed.kernel.digest}, {@code io.shed.initrd.digest}). No descriptor names these
 * blobs, so every path that copies an image (pull, push, save, load) and every walk of the store (prune, verify,
 * df) asks this class which extra blobs a manifest needs. An annotation carries no size or media type: copies take
 * the size from where the blob is (registry, archive, store) and verify the digest.
 */
public record BootBlob(String annotation, Digest digest) {
    public static final String KERNEL = "io.shed.kernel.digest";
    public static final String INITRD = "io.shed.initrd.digest";
    /** The media type copies describe these blobs with (a registry or archive never needs more). */
    public static final String MEDIA_TYPE = "application/octet-stream";

    /** The boot blobs {@code annotations} name, kernel first; a value that is not a digest is refused, naming it. */
    public static List<BootBlob> of(Map<String, String> annotations, String where) {
        List<BootBlob> out = new ArrayList<>();
        for (String key : List.of(KERNEL, INITRD)) {
            String value = annotations.get(key);
            if (value == null) continue;
            try {
                out.add(new BootBlob(key, Digest.parse(value)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": annotation " + key + " is '" + value + "', not a digest");
            }
        }
        return out;
    }

    /** The boot blobs of manifest {@code m} (see {@link #of(Map, String)}). */
    public static List<BootBlob> of(Manifest m) {
        return of(m.annotations(), "manifest " + m.digest());
    }

    /** A descriptor for copying this blob, once its size is known from where it is. */
    public Descriptor descriptor(long size) {
        return new Descriptor(MEDIA_TYPE, digest, size);
    }

    /** "kernel sha256:… (annotation io.shed.kernel.digest)", for messages. */
    public String describe() {
        return (annotation.equals(KERNEL) ? "kernel " : "initrd ") + digest + " (annotation " + annotation + ")";
    }
}
