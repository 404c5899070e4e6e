package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Sizes;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.core.gc.PruneItem;
import dev.shed.core.gc.PruneOptions;
import dev.shed.core.gc.PrunePlan;
import dev.shed.core.json.Json;
import dev.shed.core.lifecycle.Lifecycle;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code shed image prune}: give disk back without losing anything named, pinned or running. */
@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Remove what nothing needs: blobs no image, shed or snapshot reaches (layers, configs, dangling manifests),",
                "lowers of manifests nothing names, stale ingest/tmp leftovers; plus lowers the eviction policy says go, and",
                "the layers' data devices no remaining lower uses (in every mode, in the same prune as their last lower).",
                "Never removes a mounted lower (a running shed, 'shed image mount') or a data device a mounted lower uses.",
                "Waits for pulls/imports in progress (they finish naming first)."})
public final class ImagePruneCommand implements Callable<Integer> {
    @Option(names = "--dry-run", description = "Only list what would be removed and the space it would give back.")
    boolean dryRun;

    @Option(names = {"-a", "--all"}, description = "Also remove named images that no shed or snapshot uses (like docker image prune -a).")
    boolean all;

    @Option(names = "--cache-only", description = "Touch only cache/: evict lowers of manifests nothing names or pins; leave every blob.")
    boolean cacheOnly;

    @Option(names = "--layer-cache", description = "Touch only cache/: evict every lower no shed or snapshot pins (refcount zero), and legacy .ext4 files.")
    boolean layerCache;

    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PruneOptions options = new PruneOptions(all, cacheOnly, layerCache);
        Lifecycle lc = Lifecycles.open();
        PrintWriter out = spec.commandLine().getOut();
        PrunePlan result;
        if (dryRun) {
            result = lc.pruner().plan(options);
            if (!format.json()) for (PruneItem i : result.items()) line(out, "would be ", i);
        } else {
            result = lc.pruner().prune(options, i -> {
                if (!format.json()) line(out, "", i);
            });
        }
        if (format.json()) {
            ObjectNode o = Json.object();
            o.put("dryRun", dryRun);
            o.put("mode", options.describe());
            ArrayNode arr = o.putArray(dryRun ? "wouldRemove" : "removed");
            for (PruneItem i : result.items()) {
                ObjectNode n = arr.addObject();
                n.put("kind", i.kind().name().toLowerCase(java.util.Locale.ROOT));
                n.put("what", i.what());
                if (i.path() != null) n.put("path", i.path().toString());
                n.put("bytes", i.bytes());
            }
            o.put(dryRun ? "reclaimableBytes" : "reclaimedBytes", result.bytes());
            out.println(Json.pretty(o));
        } else {
            out.println((dryRun ? "Total reclaimable space: " : "Total reclaimed space: ") + Sizes.human(result.bytes()));
        }
        out.flush();
        return 0;
    }

    private static void line(PrintWriter out, String prefix, PruneItem i) {
        out.println(prefix + i.kind().verb() + ": " + i.what());
        out.flush();
    }
}
