package dev.shed.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Reference;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The store's names: entries of the OCI layout's index.json, each annotated with
 * {@code org.opencontainers.image.ref.name} = the normalised reference. Updates are read-modify-write under
 * an exclusive lock and replace the file atomically; a name is only written after its target blob exists.
 * Entries without a name (written by other tools) are kept as they are.
 */
public final class ImageNames {
    private final StoreLayout layout;
    private final FileLocks locks;
    private final ContentStore blobs;

    public ImageNames(StoreLayout layout, FileLocks locks, ContentStore blobs) {
        this.layout = layout;
        this.locks = locks;
        this.blobs = blobs;
    }

    /** Normalises a user-typed name ({@code full}, {@code host:5000/repo:tag}) to the stored form. */
    public static String normalise(String name) {
        return Reference.parse(name).toString();
    }

    public List<NamedImage> list() throws IOException {
        List<NamedImage> out = new ArrayList<>();
        for (Descriptor d : readEntries()) {
            String name = d.annotation(Descriptor.REF_NAME);
            if (name != null) out.add(new NamedImage(name, d));
        }
        return out;
    }

    /** All index.json entries, named or not (their targets are GC roots). */
    public List<Descriptor> entries() throws IOException {
        return readEntries();
    }

    public Optional<NamedImage> get(String name) throws IOException {
        String normalised = normalise(name);
        return list().stream().filter(n -> n.name().equals(normalised)).findFirst();
    }

    /** Points {@code name} at {@code target}, replacing an earlier target of that name. */
    public void put(String name, Descriptor target) throws IOException {
        String normalised = normalise(name);
        if (!blobs.exists(target.digest())) {
            throw new IllegalStateException("refusing to name " + normalised + ": " + target.digest() + " is not in the store");
        }
        Map<String, String> ann = new LinkedHashMap<>(target.annotations());
        ann.put(Descriptor.REF_NAME, normalised);
        Descriptor named = new Descriptor(target.mediaType(), target.digest(), target.size(), target.platform(), ann, target.urls());
        update(entries -> {
            List<Descriptor> out = new ArrayList<>();
            for (Descriptor d : entries) if (!normalised.equals(d.annotation(Descriptor.REF_NAME))) out.add(d);
            out.add(named);
            return out;
        });
    }

    /** Removes a name; returns false when it did not exist. Blobs stay until prune. */
    public boolean remove(String name) throws IOException {
        String normalised = normalise(name);
        boolean[] removed = {false};
        update(entries -> {
            List<Descriptor> out = new ArrayList<>();
            for (Descriptor d : entries) {
                if (normalised.equals(d.annotation(Descriptor.REF_NAME))) removed[0] = true;
                else out.add(d);
            }
            return out;
        });
        return removed[0];
    }

    private void update(UnaryOperator<List<Descriptor>> change) throws IOException {
        try (FileLocks.Held ignored = locks.exclusive("index")) {
            List<Descriptor> after = change.apply(readEntries());
            AtomicFiles.write(layout.indexFile(), render(after));
        }
    }

    private List<Descriptor> readEntries() throws IOException {
        if (!Files.exists(layout.indexFile())) return new ArrayList<>();
        JsonNode n = Json.parseObject(Files.readAllBytes(layout.indexFile()), "store index " + layout.indexFile());
        List<Descriptor> out = new ArrayList<>();
        JsonNode ms = n.get("manifests");
        if (ms != null) for (int i = 0; i < ms.size(); i++) out.add(Descriptor.fromJson(ms.get(i), layout.indexFile() + " entry " + i));
        return out;
    }

    static byte[] render(List<Descriptor> entries) {
        ObjectNode root = Json.object();
        root.put("schemaVersion", 2);
        root.put("mediaType", MediaType.OCI_INDEX);
        ArrayNode arr = root.putArray("manifests");
        entries.stream()
                .sorted((a, b) -> String.valueOf(a.annotation(Descriptor.REF_NAME)).compareTo(String.valueOf(b.annotation(Descriptor.REF_NAME))))
                .forEach(d -> arr.add(d.toJson()));
        return Json.pretty(root).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
