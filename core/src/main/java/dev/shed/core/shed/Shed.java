package dev.shed.core.shed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import java.time.Instant;

/**
 * A shed's record (shed/sheds/&lt;name&gt;.json): the image it was created from and the manifest it pins.
 *
 * @param image        the image as resolved at create (normalised name, or the digest it was given)
 * @param manifest     the pinned manifest: a GC root, and the lower the shed boots from
 * @param platform     the platform asked for at create, or null
 * @param fromSnapshot the snapshot its upper was copied from, or null
 * @param started      whether {@code shed start} ran and {@code shed stop} did not since; the truth about
 *                     running is the mount table ({@link ShedRunner#isRunning}), this only tells a stale start
 */
public record Shed(String name, String image, Digest manifest, String platform, Instant created, String fromSnapshot,
                   boolean started) {
    public Shed {
        Names.check("shed", name);
    }

    public Shed withStarted(boolean value) {
        return new Shed(name, image, manifest, platform, created, fromSnapshot, value);
    }

    byte[] toJson() {
        ObjectNode n = Json.object();
        n.put("name", name);
        n.put("image", image);
        n.put("manifest", manifest.toString());
        if (platform != null) n.put("platform", platform);
        n.put("created", created.toString());
        if (fromSnapshot != null) n.put("fromSnapshot", fromSnapshot);
        n.put("started", started);
        return (Json.pretty(n) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Shed fromJson(byte[] bytes, String where) {
        JsonNode n = Json.parseObject(bytes, where);
        try {
            return new Shed(Json.text(n, "name"), Json.text(n, "image"), Digest.parse(Json.text(n, "manifest")),
                    Json.text(n, "platform"), Instant.parse(Json.text(n, "created")), Json.text(n, "fromSnapshot"),
                    n.path("started").asBoolean(false));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
