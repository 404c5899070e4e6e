package dev.shed.core.vm;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.store.ContentStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What an image's config says about running commands in it: {@code config.Env}, {@code config.WorkingDir} and
 * {@code config.User} (empty: root).
 */
public record ImageRuntimeConfig(List<String> env, String workingDir, String user) {
    public ImageRuntimeConfig {
        env = List.copyOf(env);
    }

    public static ImageRuntimeConfig of(ContentStore blobs, Digest manifest) throws IOException {
        Manifest m = Manifest.parse(blobs.read(manifest), null);
        String where = "config " + m.config().digest() + " of manifest " + manifest;
        JsonNode config = Json.parseObject(blobs.read(m.config().digest()), where).path("config");
        List<String> env = new ArrayList<>();
        JsonNode e = config.path("Env");
        if (!e.isMissingNode() && !e.isNull()) {
            if (!e.isArray()) throw new IOException(where + ": config.Env is not a list");
            e.forEach(n -> env.add(n.asText()));
        }
        String wd = config.path("WorkingDir").asText("");
        return new ImageRuntimeConfig(env, wd.isEmpty() ? "/" : wd, config.path("User").asText(""));
    }
}
