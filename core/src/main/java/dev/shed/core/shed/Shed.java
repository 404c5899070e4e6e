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
 * @param runtime      {@link #MOUNT} (host loop mount + overlay) or {@link #VM} (a QEMU microVM); fixed at create,
 *                     since the upper's format follows it (a dir, or an ext4 disk image)
 * @param vm           how a {@code vm} shed boots; null for {@code mount}
 */
public record Shed(String name, String image, Digest manifest, String platform, Instant created, String fromSnapshot,
                   boolean started, String runtime, VmSpec vm) {
    public static final String MOUNT = "mount";
    public static final String VM = "vm";

    public Shed {
        Names.check("shed", name);
        if (runtime == null) runtime = MOUNT;
        if (!runtime.equals(MOUNT) && !runtime.equals(VM)) throw new IllegalArgumentException("unknown runtime '" + runtime + "'");
        if (runtime.equals(VM) && vm == null) throw new IllegalArgumentException("a vm shed needs its VmSpec");
    }

    /** A {@code mount} shed (records written before runtimes existed read as this). */
    public Shed(String name, String image, Digest manifest, String platform, Instant created, String fromSnapshot, boolean started) {
        this(name, image, manifest, platform, created, fromSnapshot, started, MOUNT, null);
    }

    public Shed withStarted(boolean value) {
        return new Shed(name, image, manifest, platform, created, fromSnapshot, value, runtime, vm);
    }

    public boolean isVm() {
        return runtime.equals(VM);
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
        n.put("runtime", runtime);
        if (vm != null) {
            ObjectNode v = n.putObject("vm");
            v.put("upperSize", vm.upperSize());
            var ports = v.putArray("publish");
            vm.publish().forEach(ports::add);
            v.put("init", vm.init());
        }
        return (Json.pretty(n) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Shed fromJson(byte[] bytes, String where) {
        JsonNode n = Json.parseObject(bytes, where);
        try {
            return new Shed(Json.text(n, "name"), Json.text(n, "image"), Digest.parse(Json.text(n, "manifest")),
                    Json.text(n, "platform"), Instant.parse(Json.text(n, "created")), Json.text(n, "fromSnapshot"),
                    n.path("started").asBoolean(false), n.path("runtime").asText(MOUNT), vmSpec(n.get("vm")));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    private static VmSpec vmSpec(JsonNode v) {
        if (v == null || v.isNull()) return null;
        java.util.List<String> publish = new java.util.ArrayList<>();
        v.path("publish").forEach(p -> publish.add(p.asText()));
        return new VmSpec(v.path("upperSize").asLong(), publish, v.path("init").asBoolean(false));
    }
}
