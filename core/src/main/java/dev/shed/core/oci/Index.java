package dev.shed.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** An image index / Docker manifest list, parsed from and carried with its exact bytes. */
public final class Index {
    private final byte[] raw;
    private final Digest digest;
    private final String mediaType;
    private final List<Descriptor> manifests;

    private Index(byte[] raw, Digest digest, String mediaType, List<Descriptor> manifests) {
        this.raw = raw;
        this.digest = digest;
        this.mediaType = mediaType;
        this.manifests = List.copyOf(manifests);
    }

    public static Index parse(byte[] raw, String declaredMediaType) {
        Digest digest = Digest.of(raw);
        String where = "index " + digest;
        if (raw.length > Manifest.MAX_BYTES) throw new IllegalArgumentException(where + ": " + raw.length + " bytes exceeds the 4 MiB limit");
        JsonNode n = Json.parseObject(raw, where);
        String inner = Json.text(n, "mediaType");
        String mt = declaredMediaType != null ? declaredMediaType : inner != null ? inner : MediaType.OCI_INDEX;
        if (!MediaType.isIndex(mt)) throw new IllegalArgumentException(where + ": media type " + mt + " is not an index");
        if (inner != null && !inner.equals(mt)) {
            throw new IllegalArgumentException(where + ": declared media type " + mt + " differs from the document's " + inner);
        }
        JsonNode ms = n.get("manifests");
        if (ms == null || !ms.isArray()) throw new IllegalArgumentException(where + ": no manifests array");
        List<Descriptor> list = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) list.add(Descriptor.fromJson(ms.get(i), where + " manifest " + i));
        return new Index(raw.clone(), digest, mt, list);
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

    public List<Descriptor> manifests() {
        return manifests;
    }

    public Descriptor descriptor() {
        return new Descriptor(mediaType, digest, raw.length);
    }

    /** The first image manifest for {@code wanted} (attestation manifests with platform unknown/unknown never match). */
    public Optional<Descriptor> select(Platform wanted) {
        return manifests.stream()
                .filter(d -> MediaType.isManifest(d.mediaType()))
                .filter(d -> wanted.matches(d.platform()))
                .findFirst();
    }

    /** Platforms offered, for error messages. */
    public List<String> platformNames() {
        List<String> names = new ArrayList<>();
        for (Descriptor d : manifests) if (d.platform() != null) names.add(d.platform().toString());
        return names;
    }
}
