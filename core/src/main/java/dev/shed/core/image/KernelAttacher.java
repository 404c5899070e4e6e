package dev.shed.core.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.store.BlobWriter;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.Store;
import dev.shed.core.vm.GuestArch;
import dev.shed.core.vm.KernelImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code shed image kernel}: gives an image its own guest kernel (and initrd), like {@code crane mutate
 * --annotation}: the files become blobs, a copy of the manifest names them by the annotations {@link BootBlob}
 * defines, and the name moves to that new manifest (the old one stays until prune). Blobs land before the manifest
 * and the manifest before the name, in one write session, so a crash leaves the old image named, never a half one.
 */
public final class KernelAttacher {
    private final Store store;

    public KernelAttacher(Store store) {
        this.store = store;
    }

    /**
     * Attaches {@code kernel} and {@code initrd} (null: none; an initrd the image had is dropped, it belonged to its
     * old kernel) to {@code image}, naming the result {@code tag} (null: the image's own name).
     */
    public ArchiveImporter.Imported attach(String image, Path kernel, Path initrd, String tag) throws IOException {
        checkFile(kernel, "kernel");
        if (initrd != null) checkFile(initrd, "initrd");
        // a write session from the start: IMAGE may be a dangling manifest (by digest) a concurrent prune would delete
        try (FileLocks.Held session = store.writeSession()) {
            StoredImage stored = new ImageReader(store).resolve(image);
            if (stored.isIndex()) {
                throw new IllegalArgumentException(image + " is a multi-platform index; a kernel belongs to one platform's manifest: "
                        + "pull or import it with --platform first");
            }
            String name = tag != null ? ArchiveImporter.normaliseTag(tag) : stored.name();
            if (name == null) throw new IllegalArgumentException(image + " has no name; give the result one with --tag");
            Manifest old = stored.singleManifest();
            // a kernel the image's platform cannot boot would only fail later, at every shed start
            KernelImage.check(kernel, "--kernel", GuestArch.ofImage(store.blobs(), old.digest()), "attach a kernel built for it");
            ObjectNode json = (ObjectNode) Json.parseObject(old.raw(), "manifest " + old.digest());
            ObjectNode annotations = json.has("annotations") && json.get("annotations").isObject()
                    ? (ObjectNode) json.get("annotations") : json.putObject("annotations");
            annotations.put(BootBlob.KERNEL, ingest(kernel).toString());
            if (initrd != null) annotations.put(BootBlob.INITRD, ingest(initrd).toString());
            else annotations.remove(BootBlob.INITRD);
            byte[] raw = Json.bytes(json);
            Manifest attached = Manifest.parse(raw, old.mediaType()); // the shape every reader of the store expects
            store.blobs().put(raw);
            Descriptor target = new Descriptor(attached.mediaType(), attached.digest(), raw.length, stored.target().platform(), null, null);
            store.names().put(name, target);
            return new ArchiveImporter.Imported(name, target);
        }
    }

    private Digest ingest(Path file) throws IOException {
        try (BlobWriter w = store.blobs().writerForNewContent(); InputStream in = Files.newInputStream(file)) {
            w.writeAll(in);
            return w.commit();
        }
    }

    private static void checkFile(Path file, String what) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, what + " file does not exist");
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException(what + " " + file + " is not a regular file");
        if (Files.size(file) == 0) throw new IllegalArgumentException(what + " " + file + " is empty");
    }
}
