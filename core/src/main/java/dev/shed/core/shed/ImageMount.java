package dev.shed.core.shed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A lower mounted by {@code shed image mount} (shed/image-mounts/&lt;id&gt;.json): where, which image and manifest,
 * the lower image and its data devices. The kernel's mount table is the truth about whether it is mounted; the
 * record says what to unmount and lets {@code df} and lifecycle name the mount. A record whose directory is no
 * longer a mount point (unmounted by hand, or a crash between writing it and mounting) is stale and removed.
 *
 * @param dir the mount point, real path
 */
public record ImageMount(Path dir, String image, Digest manifest, Path lower, List<Path> devices, Instant created) {
    public ImageMount {
        devices = List.copyOf(devices);
    }

    byte[] toJson() {
        ObjectNode n = Json.object();
        n.put("dir", dir.toString());
        n.put("image", image);
        n.put("manifest", manifest.toString());
        n.put("lower", lower.toString());
        var arr = n.putArray("devices");
        devices.forEach(d -> arr.add(d.toString()));
        n.put("created", created.toString());
        return (Json.pretty(n) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static ImageMount fromJson(byte[] bytes, String where) {
        JsonNode n = Json.parseObject(bytes, where);
        try {
            List<Path> devices = new ArrayList<>();
            for (JsonNode d : n.path("devices")) devices.add(Path.of(d.asText()));
            return new ImageMount(Path.of(Json.text(n, "dir")), Json.text(n, "image"), Digest.parse(Json.text(n, "manifest")),
                    Path.of(Json.text(n, "lower")), devices, Instant.parse(Json.text(n, "created")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
