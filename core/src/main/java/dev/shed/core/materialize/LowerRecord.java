package dev.shed.core.materialize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a lower was built with, stored as {@code cache/sha256/<manifest-hex>.erofs.json} beside it. This answers
 * the seed's §10 cache-key question: the image file keeps the plain manifest-digest name (what the seed and VMs
 * expect), and the key is (manifest, {@link #key}): format version, backend, its writer format (shed's EROFS
 * writer format version, or the mkfs.erofs version), compression, level, pcluster size and layout. A lower whose
 * record is absent or differs is never served; it is rebuilt in place. Cheaper than versioned directories (no
 * orphaned trees to find and prune), and safer than fixed-forever parameters.
 *
 * <p>A {@code shared} lower's image is a metadata image; {@link #devices} lists its data devices in device-table
 * (= mount) order, each with the layer it holds, its path relative to the store root and its size in blocks.
 */
public record LowerRecord(int formatVersion, Digest manifest, String backend, String writer, String compression,
                          int level, int pclusterSize, long size, String layout, List<DeviceUse> devices) {

    /** Bumped when the record's meaning or the flatten rules change (changes the tree, so every lower). 2: layouts. */
    public static final int FORMAT_VERSION = 2;

    /** One data device a shared lower uses: {@code path} is relative to the store root. */
    public record DeviceUse(Digest layer, String path, long blocks) {
        public DeviceUse {
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(path, "path");
        }

        /** The device file under {@code storeRoot}. */
        public Path resolve(Path storeRoot) {
            return storeRoot.resolve(path);
        }
    }

    public LowerRecord {
        Objects.requireNonNull(manifest, "manifest");
        if (layout == null) layout = MaterializeOptions.Layout.FLAT.cliName();
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    public boolean shared() {
        return MaterializeOptions.Layout.SHARED.cliName().equals(layout);
    }

    /** Everything but the size and the devices: equal keys mean the same image would be built. */
    public String key() {
        return formatVersion + "|" + manifest + "|" + backend + "|" + writer + "|" + compression + "|" + level + "|"
                + pclusterSize + "|" + layout;
    }

    /** The data device files in mount order (absolute, under {@code storeRoot}); empty for a flat lower. */
    public List<Path> devicePaths(Path storeRoot) {
        return devices.stream().map(d -> d.resolve(storeRoot)).toList();
    }

    /** Reads the record of {@code manifest}'s lower; null when absent or unreadable. */
    public static LowerRecord read(StoreLayout layout, Digest manifest) throws IOException {
        try {
            return parse(Files.readAllBytes(layout.erofsLowerRecord(manifest)));
        } catch (NoSuchFileException e) {
            return null;
        }
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
        n.put("layout", layout);
        if (shared()) {
            ArrayNode a = n.putArray("devices");
            for (DeviceUse d : devices) {
                ObjectNode o = a.addObject();
                o.put("layer", d.layer().toString());
                o.put("path", d.path());
                o.put("blocks", d.blocks());
            }
        }
        return Json.bytes(n);
    }

    /** Parses a record; null when it is unreadable (treated as absent: rebuild). */
    public static LowerRecord parse(byte[] bytes) {
        try {
            JsonNode n = Json.parseObject(bytes, "lower record");
            List<DeviceUse> devices = new ArrayList<>();
            for (JsonNode d : n.path("devices")) {
                String path = Json.text(d, "path");
                if (path == null || path.startsWith("/") || path.contains("..")) return null;
                devices.add(new DeviceUse(Digest.parse(Json.text(d, "layer")), path, d.path("blocks").asLong(-1)));
            }
            String layout = n.path("layout").asText(MaterializeOptions.Layout.FLAT.cliName());
            return new LowerRecord(n.path("formatVersion").asInt(-1), Digest.parse(Json.text(n, "manifest")),
                    Json.text(n, "backend"), Json.text(n, "writer"), Json.text(n, "compression"),
                    n.path("level").asInt(-2), n.path("pclusterSize").asInt(-1), n.path("size").asLong(-1),
                    layout, devices);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
