package dev.shed.core.shed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import java.time.Instant;

/**
 * A snapshot's record (shed/snapshots/&lt;name&gt;.json): a copy of a shed's upper dir, plus the manifest it
 * needs as its lower (pinned: a GC root, counted by the refcount policy).
 */
public record Snapshot(String name, String shed, String image, Digest manifest, Instant created) {
    public Snapshot {
        Names.check("snapshot", name);
    }

    byte[] toJson() {
        ObjectNode n = Json.object();
        n.put("name", name);
        n.put("shed", shed);
        n.put("image", image);
        n.put("manifest", manifest.toString());
        n.put("created", created.toString());
        return (Json.pretty(n) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Snapshot fromJson(byte[] bytes, String where) {
        JsonNode n = Json.parseObject(bytes, where);
        try {
            return new Snapshot(Json.text(n, "name"), Json.text(n, "shed"), Json.text(n, "image"),
                    Digest.parse(Json.text(n, "manifest")), Instant.parse(Json.text(n, "created")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
