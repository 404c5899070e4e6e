package dev.shed.core.materialize;

import com.fasterxml.jackson.databind.JsonNode;
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
 * (= mount) order, each with the layer it holds, its path relative to the store root and its size in blocks
 * (docs/shared-lowers.md).
 */
public record LowerRecord(int formatVersion, Digest manifest, String backend, String writer, String compression,
                          int level, int pclusterSize, long size, String layout, List<Device> devices) {

    /** {@code flat}: one self-contained image. {@code shared}: a metadata image over the layers' data devices. */
    public static final String FLAT = "flat";
    public static final String SHARED = "shared";

    /**
     * One data device a shared lower mounts, in device-table order.
     *
     * @param layer  the layer blob whose file data it holds
     * @param path   relative to the store root ({@code cache/layers/sha256/<layer-hex>.<key>.erofsdev})
     * @param blocks its size in 4 KiB blocks, as the device table says
     */
    public record Device(Digest layer, String path, long blocks) {
        public Device {
            Objects.requireNonNull(layer, "layer");
            Objects.requireNonNull(path, "path");
        }
    }

    /** A flat lower's record. */
    public LowerRecord(int formatVersion, Digest manifest, String backend, String writer, String compression,
                       int level, int pclusterSize, long size) {
        this(formatVersion, manifest, backend, writer, compression, level, pclusterSize, size, FLAT, List.of());
    }

    /** Bumped when the record's meaning or the flatten rules change (changes the tree, so every lower). 2: layouts. */
    public static final int FORMAT_VERSION = 2;

    public LowerRecord {
        Objects.requireNonNull(manifest, "manifest");
        if (layout == null) layout = FLAT;
        devices = devices == null ? List.of() : List.copyOf(devices);
    }

    public boolean shared() {
        return SHARED.equals(layout);
    }

    /**
     * The data devices as absolute paths under the store root, in mount order. A path that leaves the layer
     * device directory (a damaged or hostile record) is refused: such a record is never served.
     */
    public List<Path> devicePaths(StoreLayout store) {
        Path dir = store.root().resolve("cache").resolve("layers").resolve("sha256");
        List<Path> out = new ArrayList<>();
        for (Device d : devices) {
            Path p = store.root().resolve(d.path()).normalize();
            if (!dir.equals(p.getParent())) {
                throw new IllegalArgumentException("lower record of " + manifest + ": device path " + d.path() + " is not in cache/layers/sha256");
            }
            out.add(p);
        }
        return out;
    }

    /** Everything but the size and the devices: equal keys mean the same image would be built. */
    public String key() {
        return formatVersion + "|" + manifest + "|" + backend + "|" + writer + "|" + compression + "|" + level + "|"
                + pclusterSize + "|" + layout;
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
            var arr = n.putArray("devices");
            for (Device d : devices) {
                ObjectNode o = arr.addObject();
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
            List<Device> devices = new ArrayList<>();
            for (JsonNode d : n.path("devices")) {
                devices.add(new Device(Digest.parse(Json.text(d, "layer")), Json.text(d, "path"), d.path("blocks").asLong(-1)));
            }
            String layout = n.hasNonNull("layout") ? n.get("layout").asText() : FLAT;
            return new LowerRecord(n.path("formatVersion").asInt(-1), Digest.parse(Json.text(n, "manifest")),
                    Json.text(n, "backend"), Json.text(n, "writer"), Json.text(n, "compression"),
                    n.path("level").asInt(-2), n.path("pclusterSize").asInt(-1), n.path("size").asLong(-1), layout, devices);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
