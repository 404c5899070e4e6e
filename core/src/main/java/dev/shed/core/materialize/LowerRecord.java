package dev.shed.core.materialize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import java.util.Objects;

/**
 * What a lower was built with, stored as {@code cache/sha256/<manifest-hex>.erofs.json} beside it. This answers
 * the seed's §10 cache-key question: the image file keeps the plain manifest-digest name (what the seed and VMs
 * expect), and the key is (manifest, {@link #key}): format version, backend, its writer format (shed's EROFS
 * writer format version, or the mkfs.erofs version), compression, level and pcluster size. A lower whose record
 * is absent or differs is never served; it is rebuilt in place. Cheaper than versioned directories (no orphaned
 * trees to find and prune), and safer than fixed-forever parameters.
 */
public record LowerRecord(int formatVersion, Digest manifest, String backend, String writer, String compression,
                          int level, int pclusterSize, long size) {

    /** Bumped when the record's meaning or the flatten rules change (changes the tree, so every lower). */
    public static final int FORMAT_VERSION = 1;

    public LowerRecord {
        Objects.requireNonNull(manifest, "manifest");
    }

    /** Everything but the size: equal keys mean the same image would be built. */
    public String key() {
        return formatVersion + "|" + manifest + "|" + backend + "|" + writer + "|" + compression + "|" + level + "|" + pclusterSize;
    }

    public byte[] toJson() {
        ObjectNode n = Json.object();
        n.put("formatVersion", formatVersion);
        n.put("manifest", manifest.toString());
        n.put("backend", backend);
        n.put("writer", writer);
        n.put("compression", compression);
        n.put("level", level);
        n.put("pclusterSize", pclusterSize);
        n.put("size", size);
        return Json.bytes(n);
    }

    /** Parses a record; null when it is unreadable (treated as absent: rebuild). */
    public static LowerRecord parse(byte[] bytes) {
        try {
            JsonNode n = Json.parseObject(bytes, "lower record");
            return new LowerRecord(n.path("formatVersion").asInt(-1), Digest.parse(Json.text(n, "manifest")),
                    Json.text(n, "backend"), Json.text(n, "writer"), Json.text(n, "compression"),
                    n.path("level").asInt(-2), n.path("pclusterSize").asInt(-1), n.path("size").asLong(-1));
        } catch (RuntimeException e) {
            return null;
        }
    }
}
