package dev.shed.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** An OCI content descriptor: media type, digest, size, optional platform, annotations and urls. */
public record Descriptor(String mediaType, Digest digest, long size, Platform platform,
                         Map<String, String> annotations, List<String> urls) {

    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        Objects.requireNonNull(digest, "digest");
        if (size < 0) throw new IllegalArgumentException("negative size for " + digest);
        annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        urls = urls == null ? List.of() : List.copyOf(urls);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, null, null);
    }

    public String annotation(String key) {
        return annotations.get(key);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, digest, size, platform, newAnnotations, urls);
    }

    /** Parses a descriptor object; {@code where} names it in errors (e.g. "manifest sha256:… layer 3"). */
    public static Descriptor fromJson(JsonNode n, String where) {
        if (n == null || !n.isObject()) throw new IllegalArgumentException(where + ": descriptor is not an object");
        String mt = Json.text(n, "mediaType");
        if (mt == null) throw new IllegalArgumentException(where + ": descriptor has no mediaType");
        String d = Json.text(n, "digest");
        Digest digest;
        try {
            digest = Digest.parse(d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        JsonNode size = n.get("size");
        if (size == null || !size.canConvertToLong() || size.asLong() < 0) {
            throw new IllegalArgumentException(where + ": descriptor " + digest + " has no valid size");
        }
        Platform platform = n.hasNonNull("platform") ? Platform.fromJson(n.get("platform")) : null;
        Map<String, String> ann = new LinkedHashMap<>();
        if (n.hasNonNull("annotations")) n.get("annotations").fields().forEachRemaining(e -> ann.put(e.getKey(), e.getValue().asText()));
        List<String> urls = new java.util.ArrayList<>();
        if (n.hasNonNull("urls")) n.get("urls").forEach(u -> urls.add(u.asText()));
        return new Descriptor(mt, digest, size.asLong(), platform, ann, urls);
    }

    public ObjectNode toJson() {
        ObjectNode n = Json.object();
        n.put("mediaType", mediaType);
        n.put("digest", digest.toString());
        n.put("size", size);
        if (!urls.isEmpty()) urls.forEach(n.putArray("urls")::add);
        if (!annotations.isEmpty()) {
            ObjectNode a = n.putObject("annotations");
            annotations.forEach(a::put);
        }
        if (platform != null) n.set("platform", platform.toJson());
        return n;
    }
}
