package dev.shed.core.oci;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import java.util.ArrayList;
import java.util.List;

/** The parts of an image config shed reads: platform, created, rootfs diff_ids and history. */
public record ImageConfig(String os, String architecture, String variant, String created,
                          List<String> diffIds, List<History> history) {

    /** One history entry; {@code emptyLayer} entries have no layer of their own. */
    public record History(String created, String createdBy, String comment, boolean emptyLayer) {}

    public ImageConfig {
        diffIds = List.copyOf(diffIds);
        history = List.copyOf(history);
    }

    public static ImageConfig parse(byte[] raw, String where) {
        JsonNode n = Json.parseObject(raw, where);
        List<String> diffIds = new ArrayList<>();
        JsonNode rootfs = n.get("rootfs");
        if (rootfs != null && rootfs.hasNonNull("diff_ids")) rootfs.get("diff_ids").forEach(d -> diffIds.add(d.asText()));
        List<History> history = new ArrayList<>();
        if (n.hasNonNull("history")) {
            for (JsonNode h : n.get("history")) {
                history.add(new History(Json.text(h, "created"), Json.text(h, "created_by"), Json.text(h, "comment"),
                        h.path("empty_layer").asBoolean(false)));
            }
        }
        return new ImageConfig(Json.text(n, "os"), Json.text(n, "architecture"), Json.text(n, "variant"),
                Json.text(n, "created"), diffIds, history);
    }

    public Platform platform() {
        return os == null || architecture == null ? null : new Platform(os, architecture, variant);
    }
}
