package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Sizes;
import dev.shed.cli.output.Table;
import dev.shed.cli.output.Times;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.core.gc.DiskUsage;
import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PrunePlan;
import dev.shed.core.json.Json;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shed image df}: where the store's disk goes. */
@Command(name = "df", mixinStandardHelpOptions = true,
        description = {"Show disk use: blobs (and layer blobs) in total, per image split into bytes shared with other images and",
                "bytes unique to it, cached lowers per manifest (a shared lower's own metadata image, plus the bytes of its",
                "layers' data devices that another lower also uses (SHARED) or only it uses (UNIQUE)), data devices, legacy",
                ".ext4 files, temp files, and what each prune mode would reclaim (computed by the same code as",
                "'shed image prune --dry-run'). Sizes are file sizes (du -b)."})
public final class ImageDfCommand implements Callable<Integer> {
    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        DiskUsage.Report r = Lifecycles.open().diskUsage().measure();
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) out.println(Json.pretty(json(r)));
        else table(r, out);
        out.flush();
        return 0;
    }

    private static ObjectNode json(DiskUsage.Report r) {
        ObjectNode o = Json.object();
        ObjectNode blobs = o.putObject("blobs");
        blobs.put("count", r.blobCount());
        blobs.put("bytes", r.blobBytes());
        blobs.put("layerCount", r.layerCount());
        blobs.put("layerBytes", r.layerBytes());
        ArrayNode images = o.putArray("images");
        for (DiskUsage.ImageUsage i : r.images()) {
            ObjectNode n = images.addObject();
            n.put("name", i.name());
            n.put("digest", i.digest().toString());
            n.put("bytes", i.bytes());
            n.put("sharedBytes", i.sharedBytes());
            n.put("uniqueBytes", i.uniqueBytes());
            n.put("inUse", i.inUse());
            n.put("manifests", i.manifests());
            n.put("cachedManifests", i.cachedManifests());
        }
        ObjectNode lowers = o.putObject("lowers");
        lowers.put("count", r.lowers().size());
        lowers.put("bytes", r.lowerBytes());
        ArrayNode items = lowers.putArray("items");
        for (DiskUsage.LowerUsage l : r.lowers()) {
            ObjectNode n = items.addObject();
            n.put("manifest", l.manifest().toString());
            l.images().forEach(n.putArray("images")::add);
            n.put("bytes", l.bytes());
            n.put("current", l.current());
            n.put("pins", l.pins());
            n.put("running", l.running());
            n.put("lastUsed", l.lastUsed().toString());
            n.put("layout", l.layout());
            ArrayNode devs = n.putArray("devices");
            l.devices().forEach(d -> devs.add(d.toString()));
            n.put("sharedBytes", l.sharedBytes());
            n.put("uniqueBytes", l.uniqueBytes());
        }
        ObjectNode devices = o.putObject("devices");
        devices.put("count", r.devices().size());
        devices.put("bytes", r.deviceBytes());
        devices.put("sharedCount", r.sharedDeviceCount());
        devices.put("sharedBytes", r.sharedDeviceBytes());
        ArrayNode devItems = devices.putArray("items");
        for (DiskUsage.DeviceUsage d : r.devices()) {
            ObjectNode n = devItems.addObject();
            n.put("layer", d.layer().toString());
            n.put("key", d.key());
            n.put("path", d.path().toString());
            n.put("bytes", d.bytes());
            ArrayNode users = n.putArray("lowers");
            d.lowers().forEach(m -> users.add(m.toString()));
            n.put("shared", d.shared());
            n.put("inUse", d.inUse());
        }
        o.putObject("legacyExt4").put("count", r.legacyExt4Count()).put("bytes", r.legacyExt4Bytes());
        o.putObject("temp").put("count", r.tempCount()).put("bytes", r.tempBytes());
        ObjectNode rec = o.putObject("reclaimable");
        for (Map.Entry<String, PrunePlan> e : r.reclaimable().entrySet()) {
            ObjectNode n = rec.putObject(e.getKey());
            n.put("bytes", e.getValue().bytes());
            for (PruneItem.Kind k : PruneItem.Kind.values()) {
                String key = switch (k) {
                    case IMAGE_NAME -> "images";
                    case BLOB -> "blobs";
                    case LOWER -> "lowers";
                    case DEVICE -> "devices";
                    case LEGACY_EXT4 -> "legacyExt4";
                    case TEMP -> "temp";
                };
                n.putObject(key).put("count", e.getValue().count(k)).put("bytes", e.getValue().bytes(k));
            }
        }
        return o;
    }

    private static void table(DiskUsage.Report r, PrintWriter out) {
        PrunePlan def = r.reclaimable().get("default");
        Table t = new Table("TYPE", "TOTAL", "SIZE", "RECLAIMABLE");
        t.row("Blobs", r.blobCount(), Sizes.human(r.blobBytes()), Sizes.human(def.bytes(PruneItem.Kind.BLOB)));
        t.row("  of which layers", r.layerCount(), Sizes.human(r.layerBytes()), "");
        t.row("Lowers (cache/*.erofs)", r.lowers().size(), Sizes.human(r.lowerBytes()), Sizes.human(def.bytes(PruneItem.Kind.LOWER)));
        t.row("Data devices (cache/layers)", r.devices().size(), Sizes.human(r.deviceBytes()), Sizes.human(def.bytes(PruneItem.Kind.DEVICE)));
        t.row("  of which shared", r.sharedDeviceCount(), Sizes.human(r.sharedDeviceBytes()), "");
        t.row("Legacy ext4", r.legacyExt4Count(), Sizes.human(r.legacyExt4Bytes()), Sizes.human(def.bytes(PruneItem.Kind.LEGACY_EXT4)));
        t.row("Temp (ingest, tmp)", r.tempCount(), Sizes.human(r.tempBytes()), Sizes.human(def.bytes(PruneItem.Kind.TEMP)));
        t.print(out);
        out.println();
        Table images = new Table("IMAGE", "SIZE", "SHARED", "UNIQUE", "IN USE", "CACHED");
        for (DiskUsage.ImageUsage i : r.images()) {
            images.row(i.name(), Sizes.human(i.bytes()), Sizes.human(i.sharedBytes()), Sizes.human(i.uniqueBytes()), i.inUse(),
                    i.cachedManifests() + "/" + i.manifests());
        }
        images.print(out);
        out.println();
        Table lowers = new Table("LOWER", "IMAGES", "LAYOUT", "SIZE", "SHARED", "UNIQUE", "PINS", "STATUS", "LAST USED");
        for (DiskUsage.LowerUsage l : r.lowers()) {
            String status = l.running() ? "mounted" : l.current() ? "current" : "stale";
            lowers.row(l.manifest().shortHex(), l.images().isEmpty() ? "<none>" : String.join(",", l.images()), l.layout(),
                    Sizes.human(l.bytes()), Sizes.human(l.sharedBytes()), Sizes.human(l.uniqueBytes()),
                    l.pins(), status, Times.ago(l.lastUsed()));
        }
        lowers.print(out);
        out.println();
        out.println("Prune would reclaim:");
        Table rec = new Table("MODE", "BLOBS", "LOWERS", "DEVICES", "TEMP", "IMAGES", "TOTAL");
        for (Map.Entry<String, PrunePlan> e : r.reclaimable().entrySet()) {
            PrunePlan p = e.getValue();
            rec.row(e.getKey().equals("default") ? "shed image prune" : "shed image prune " + e.getKey(),
                    Sizes.human(p.bytes(PruneItem.Kind.BLOB)),
                    Sizes.human(p.bytes(PruneItem.Kind.LOWER) + p.bytes(PruneItem.Kind.LEGACY_EXT4)),
                    Sizes.human(p.bytes(PruneItem.Kind.DEVICE)), Sizes.human(p.bytes(PruneItem.Kind.TEMP)), p.count(PruneItem.Kind.IMAGE_NAME), Sizes.human(p.bytes()));
        }
        rec.print(out);
    }
}
