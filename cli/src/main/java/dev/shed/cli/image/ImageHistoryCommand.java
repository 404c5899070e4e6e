package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Sizes;
import dev.shed.cli.output.Table;
import dev.shed.cli.output.Times;
import dev.shed.core.image.EmptyLayer;
import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image history NAME}: the config's history, newest first, matched to layers like docker does. */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = {"Show an image's history, newest first: one row per config history entry, with the layer it made.",
                "Entries marked empty_layer made no layer: LAYER '<none>', SIZE 0B. A layer that is the 32-byte gzipped empty tar "
                        + "(sha256:4f4fb700…, left by ENV/LABEL steps) shows as '<empty layer>'. SIZE is the stored (compressed) blob size."})
public final class ImageHistoryCommand implements Callable<Integer> {
    private static final int CREATED_BY_WIDTH = 45;

    @Parameters(index = "0", paramLabel = "NAME", description = "Image name or manifest/index digest.")
    String name;

    @Option(names = "--no-trunc", description = "Don't truncate CREATED BY and digests.")
    boolean noTrunc;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]", description = "For an index: which platform's history.")
    String platform;

    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One history row; {@code layer} is null for empty_layer entries. */
    record Row(Descriptor layer, String created, String createdBy, String comment, boolean emptyLayer) {
        long size() {
            return layer == null ? 0 : layer.size();
        }
    }

    @Override
    public Integer call() throws Exception {
        ImageReader reader = new ImageReader(GlobalOptions.openStore());
        StoredImage img = reader.resolve(name);
        Manifest m = reader.select(img, platform == null ? null : Platform.parse(platform));
        List<Row> rows = rows(m, reader.config(m));
        Collections.reverse(rows);
        PrintWriter out = spec.commandLine().getOut();
        if (format.json()) {
            ArrayNode arr = Json.array();
            for (Row r : rows) {
                ObjectNode o = arr.addObject();
                o.put("layer", r.layer() == null ? null : r.layer().digest().toString());
                o.put("emptyLayer", r.emptyLayer());
                o.put("emptyGzipLayer", r.layer() != null && EmptyLayer.is(r.layer().digest()));
                o.put("created", r.created());
                o.put("createdBy", r.createdBy());
                o.put("comment", r.comment());
                o.put("size", r.size());
            }
            out.println(Json.pretty(arr));
        } else {
            Table t = new Table("LAYER", "CREATED", "CREATED BY", "SIZE", "COMMENT");
            for (Row r : rows) {
                t.row(layerCell(r), Times.ago(r.created()), createdBy(r.createdBy()), Sizes.human(r.size()),
                        r.comment() == null ? "" : r.comment());
            }
            t.print(out);
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Pairs history entries with layers in order: each entry without empty_layer consumes the next layer. */
    static List<Row> rows(Manifest m, ImageConfig c) {
        List<Row> rows = new ArrayList<>();
        List<Descriptor> layers = m.layers();
        int next = 0;
        for (ImageConfig.History h : c.history()) {
            if (h.emptyLayer() || next >= layers.size()) {
                rows.add(new Row(null, h.created(), h.createdBy(), h.comment(), true));
            } else {
                rows.add(new Row(layers.get(next++), h.created(), h.createdBy(), h.comment(), false));
            }
        }
        for (; next < layers.size(); next++) rows.add(new Row(layers.get(next), c.created(), null, null, false));
        return rows;
    }

    private String layerCell(Row r) {
        if (r.layer() == null) return "<none>";
        if (EmptyLayer.is(r.layer().digest())) return "<empty layer>";
        return noTrunc ? r.layer().digest().toString() : r.layer().digest().shortHex();
    }

    private String createdBy(String s) {
        if (s == null) return "";
        String oneLine = s.replace('\n', ' ').replace('\t', ' ');
        if (noTrunc || oneLine.length() <= CREATED_BY_WIDTH) return oneLine;
        return oneLine.substring(0, CREATED_BY_WIDTH - 1) + "…";
    }
}
