package dev.shed.core.gc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Index;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The content graph under a set of roots: index → manifests → config + layers + the guest kernel and initrd a
 * manifest names by annotation ({@link BootBlob}: no descriptor names them, yet a shed boots from them, so
 * prune must keep them and verify must find them). Each blob is read at most once
 * per walk. Absent blobs are recorded, not fatal (an index may hold only some platforms; verify reports the
 * rest).
 */
public final class ImageGraph {
    private final Store store;
    private final Map<Digest, Node> nodes = new LinkedHashMap<>();

    public ImageGraph(Store store) {
        this.store = store;
    }

    /** What a blob is, as far as the graph knows. */
    public enum Role { INDEX, MANIFEST, CONFIG, LAYER, BOOT, OTHER }

    /** One blob in the graph, with the blobs it refers to. */
    public record Node(Digest digest, Role role, long size, boolean present, Set<Digest> children) {}

    /** Walks from {@code root} (a descriptor from index.json or an index) and returns every blob it reaches. */
    public Set<Digest> closure(Descriptor root) throws IOException {
        return closure(root.digest(), roleOf(root.mediaType()), root.size());
    }

    /** Walks from a manifest known only by digest (a shed's pin); its media type comes from its bytes. */
    public Set<Digest> manifestClosure(Digest manifest) throws IOException {
        return closure(manifest, Role.MANIFEST, -1);
    }

    private Set<Digest> closure(Digest start, Role role, long size) throws IOException {
        Set<Digest> seen = new LinkedHashSet<>();
        Deque<Node> todo = new ArrayDeque<>();
        todo.add(node(start, role, size));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (!seen.add(n.digest())) continue;
            for (Digest c : n.children()) {
                Node child = nodes.get(c);
                if (child != null) todo.push(child);
            }
        }
        return seen;
    }

    public Node get(Digest d) {
        return nodes.get(d);
    }

    /** Resolves a node, reading and parsing manifests and indexes (children are resolved as well). */
    private Node node(Digest d, Role role, long declaredSize) throws IOException {
        Node known = nodes.get(d);
        // an annotation that names a blob the graph already knows (even a manifest) adds no knowledge about it
        if (known != null && (known.role() == role || role == Role.OTHER || role == Role.BOOT)) return known;
        boolean present = store.blobs().exists(d);
        long size = present ? store.blobs().size(d) : Math.max(declaredSize, 0);
        Set<Digest> children = new LinkedHashSet<>();
        Role actual = role;
        if (present && (role == Role.INDEX || role == Role.MANIFEST || role == Role.OTHER) && size <= Manifest.MAX_BYTES) {
            byte[] raw = store.blobs().read(d);
            if (role == Role.OTHER) actual = sniff(raw);
            try {
                if (actual == Role.INDEX) {
                    Index idx = Index.parse(raw, null);
                    Node self = new Node(d, actual, size, true, children);
                    nodes.put(d, self);
                    for (Descriptor c : idx.manifests()) {
                        children.add(c.digest());
                        node(c.digest(), roleOf(c.mediaType()), c.size());
                    }
                    return self;
                }
                if (actual == Role.MANIFEST) {
                    Manifest m = Manifest.parse(raw, null);
                    children.add(m.config().digest());
                    node(m.config().digest(), Role.CONFIG, m.config().size());
                    for (Descriptor l : m.layers()) {
                        children.add(l.digest());
                        node(l.digest(), Role.LAYER, l.size());
                    }
                    for (Digest b : bootBlobs(m)) {
                        children.add(b);
                        node(b, Role.BOOT, -1);
                    }
                }
            } catch (IllegalArgumentException notAnImage) {
                actual = Role.OTHER; // unparsable: keep the blob itself reachable, nothing below it
            }
        }
        Node n = new Node(d, actual, size, present, children);
        nodes.put(d, n);
        return n;
    }

    /** The kernel/initrd digests a manifest's annotations name; a value that is no digest is KernelLocator's to report. */
    private static List<Digest> bootBlobs(Manifest m) {
        try {
            return BootBlob.of(m).stream().map(BootBlob::digest).toList();
        } catch (IllegalArgumentException notADigest) {
            return List.of(); // not a blob reference: nothing to keep
        }
    }

    static Role roleOf(String mediaType) {
        if (mediaType == null) return Role.OTHER;
        if (MediaType.isIndex(mediaType)) return Role.INDEX;
        if (MediaType.isManifest(mediaType)) return Role.MANIFEST;
        return Role.OTHER;
    }

    /** A blob named by an index.json entry with an unfamiliar media type: tell index from manifest by shape. */
    private static Role sniff(byte[] raw) {
        try {
            JsonNode n = Json.parseObject(raw, "blob");
            if (n.has("manifests")) return Role.INDEX;
            if (n.has("layers") && n.has("config")) return Role.MANIFEST;
        } catch (IllegalArgumentException notJson) {
            // a layer or other binary blob
        }
        return Role.OTHER;
    }
}
