package dev.shed.core.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.OutputTarget;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * {@code shed image save}: named images as one OCI image layout tar (oci-layout, index.json with a ref.name per
 * image, blobs/sha256/…), with the guest kernel and initrd a manifest names by annotation ({@link BootBlob}). The archive is deterministic: entries sorted by path, mtime 0, owner 0:0, no user names,
 * modes 0644/0755, index.json compact with entries sorted by name. So the same images always give the same bytes,
 * and save → load → save reproduces the archive exactly. A file appears atomically (see {@link OutputTarget}).
 */
public final class ArchiveExporter {
    private final Store store;
    private final ImageReader reader;

    public ArchiveExporter(Store store) {
        this.store = store;
        this.reader = new ImageReader(store);
    }

    public void save(Iterable<String> names, Path output) throws IOException {
        try (OutputTarget target = OutputTarget.open(output, false)) {
            save(names, target);
        }
    }

    /** Writes the archive to {@code output} (see {@link OutputTarget}) and commits it. */
    public void save(Iterable<String> names, OutputTarget output) throws IOException {
        Map<String, Descriptor> entries = new TreeMap<>();
        Map<String, Digest> blobs = new TreeMap<>();
        for (String n : names) {
            StoredImage img = reader.resolve(n);
            String name = img.name() != null ? img.name() : n;
            entries.put(name, new Descriptor(img.target().mediaType(), img.target().digest(), img.target().size(),
                    img.target().platform(), Map.of(Descriptor.REF_NAME, name), null));
            add(blobs, img.target().digest());
            for (Manifest m : img.manifests()) {
                add(blobs, m.digest());
                add(blobs, m.config().digest());
                for (Descriptor l : m.layers()) {
                    if (!store.blobs().exists(l.digest()) && MediaType.isNondistributable(l.mediaType())) continue;
                    add(blobs, l.digest());
                }
                for (BootBlob b : BootBlob.of(m)) {
                    if (!store.blobs().exists(b.digest())) throw new IOException("cannot save " + name + ": its " + b.describe() + " is not in the store");
                    add(blobs, b.digest());
                }
            }
        }
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(output.stream())) {
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            dir(tar, "blobs/");
            dir(tar, "blobs/sha256/");
            for (Digest d : blobs.values()) {
                long size = store.blobs().size(d);
                TarArchiveEntry e = fileEntry("blobs/sha256/" + d.hex(), size);
                tar.putArchiveEntry(e);
                try (InputStream in = store.blobs().open(d)) {
                    long copied = in.transferTo(tar);
                    if (copied != size) throw new IOException("blob " + d + " changed size while being saved");
                }
                tar.closeArchiveEntry();
            }
            file(tar, "index.json", indexJson(entries));
            file(tar, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            tar.finish();
        }
        output.commit();
    }

    private void add(Map<String, Digest> blobs, Digest d) throws IOException {
        if (!store.blobs().exists(d)) throw new dev.shed.core.store.BlobNotFoundException(d);
        blobs.put(d.hex(), d);
    }

    static byte[] indexJson(Map<String, Descriptor> entries) {
        ObjectNode root = Json.object();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaType.OCI_INDEX);
        ArrayNode arr = root.putArray("manifests");
        entries.values().forEach(d -> arr.add(d.toJson()));
        return Json.bytes(root);
    }

    private static void dir(TarArchiveOutputStream tar, String name) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_DIR, true);
        fixed(e, 0755);
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    private static TarArchiveEntry fileEntry(String name, long size) {
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        fixed(e, 0644);
        e.setSize(size);
        return e;
    }

    private static void file(TarArchiveOutputStream tar, String name, byte[] content) throws IOException {
        tar.putArchiveEntry(fileEntry(name, content.length));
        tar.write(content);
        tar.closeArchiveEntry();
    }

    private static void fixed(TarArchiveEntry e, int mode) {
        e.setMode(mode);
        e.setModTime(0);
        e.setUserId(0);
        e.setGroupId(0);
        e.setUserName("");
        e.setGroupName("");
    }
}
