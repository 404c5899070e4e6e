package dev.shed.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An image manifest (OCI or Docker v2 schema2), parsed from and always carried with its exact bytes.
 * The digest is of {@link #raw()}, never of a re-serialisation.
 */
public final class Manifest {
    /** Manifests larger than this are refused, like containerd and the distribution registry. */
    public static final int MAX_BYTES = 4 * 1024 * 1024;

    private final byte[] raw;
    private final Digest digest;
    private final String mediaType;
    private final Descriptor config;
    private final List<Descriptor> layers;
    private final Map<String, String> annotations;

    private Manifest(byte[] raw, Digest digest, String mediaType, Descriptor config, List<Descriptor> layers,
                     Map<String, String> annotations) {
        this.raw = raw;
        this.digest = digest;
        this.mediaType = mediaType;
        this.config = config;
        this.layers = List.copyOf(layers);
        this.annotations = Map.copyOf(annotations);
    }

    /**
     * Parses manifest bytes. {@code declaredMediaType} is the type from the referring descriptor or HTTP header
     * (may be null: then the document's own mediaType field decides, defaulting to OCI).
     */
    public static Manifest parse(byte[] raw, String declaredMediaType) {
        Digest digest = Digest.of(raw);
        String where = "manifest " + digest;
        if (raw.length > MAX_BYTES) throw new IllegalArgumentException(where + ": " + raw.length + " bytes exceeds the 4 MiB manifest limit");
        JsonNode n = Json.parseObject(raw, where);
        String inner = Json.text(n, "mediaType");
        String mt = declaredMediaType != null ? declaredMediaType : inner != null ? inner : MediaType.OCI_MANIFEST;
        if (MediaType.isSchema1(mt) || (n.has("schemaVersion") && n.get("schemaVersion").asInt() == 1)) {
            throw new IllegalArgumentException(where + ": Docker schema 1 manifests are not supported (deprecated); re-push the image with a current client");
        }
        if (!MediaType.isManifest(mt)) throw new IllegalArgumentException(where + ": media type " + mt + " is not an image manifest");
        if (inner != null && !inner.equals(mt)) {
            throw new IllegalArgumentException(where + ": declared media type " + mt + " differs from the document's " + inner);
        }
        if (n.has("manifests")) throw new IllegalArgumentException(where + ": has a 'manifests' field; it is an index, not a manifest");
        Descriptor config = Descriptor.fromJson(n.get("config"), where + " config");
        JsonNode layersNode = n.get("layers");
        if (layersNode == null || !layersNode.isArray()) throw new IllegalArgumentException(where + ": no layers array");
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            layers.add(Descriptor.fromJson(layersNode.get(i), where + " layer " + i));
        }
        Map<String, String> ann = new LinkedHashMap<>();
        if (n.hasNonNull("annotations")) n.get("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
        return new Manifest(raw.clone(), digest, mt, config, layers, ann);
    }

    public byte[] raw() {
        return raw.clone();
    }

    public Digest digest() {
        return digest;
    }

    public String mediaType() {
        return mediaType;
    }

    public Descriptor config() {
        return config;
    }

    public List<Descriptor> layers() {
        return layers;
    }

    public Map<String, String> annotations() {
        return annotations;
    }

    /** A descriptor of this manifest, for an index entry. */
    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, raw.length);
    }

    /** Sum of config and layer sizes plus the manifest itself. */
    public long totalSize() {
        long total = raw.length + config.size();
        for (Descriptor l : layers) total += l.size();
        return total;
    }
}
