package dev.shed.core.image.build;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.MediaType;
import dev.shed.core.oci.Platform;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Writes the JSON of images shed makes itself (import, demo): an OCI config and an OCI manifest, compact, fixed field order. */
public final class ImageAssembler {
    private ImageAssembler() {}

    /** One history entry; {@code emptyLayer} for steps that made no layer. */
    public record Step(String createdBy, boolean emptyLayer) {}

    public static String rfc3339(Instant t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    public static byte[] config(Platform platform, Instant created, List<Digest> diffIds, List<Step> history) {
        String when = rfc3339(created);
        ObjectNode c = Json.object();
        c.put("created", when);
        c.put("architecture", platform.architecture());
        c.put("os", platform.os());
        if (platform.variant() != null) c.put("variant", platform.variant());
        c.putObject("config");
        ObjectNode rootfs = c.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(d -> ids.add(d.toString()));
        ArrayNode h = c.putArray("history");
        for (Step s : history) {
            ObjectNode e = h.addObject();
            e.put("created", when);
            e.put("created_by", s.createdBy());
            if (s.emptyLayer()) e.put("empty_layer", true);
        }
        return Json.bytes(c);
    }

    public static byte[] manifest(Descriptor config, List<Descriptor> layers) {
        ObjectNode m = Json.object();
        m.put("schemaVersion", 2);
        m.put("mediaType", MediaType.OCI_MANIFEST);
        m.set("config", config.toJson());
        ArrayNode arr = m.putArray("layers");
        layers.forEach(l -> arr.add(l.toJson()));
        return Json.bytes(m);
    }
}
