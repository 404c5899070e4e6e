package dev.shed.cli.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shed.cli.shed.Lifecycles;
import dev.shed.cli.output.FormatOption;
import dev.shed.cli.output.Sizes;
import dev.shed.cli.output.Table;
import dev.shed.cli.output.Times;
import dev.shed.core.image.ImageReader;
import dev.shed.core.image.StoredImage;
import dev.shed.core.json.Json;
import dev.shed.core.lifecycle.Lifecycle;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Reference;
import dev.shed.core.store.NamedImage;
import dev.shed.core.store.Store;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shed image ls}: the named images. */
@Command(name = "ls", aliases = "list", mixinStandardHelpOptions = true,
        description = {"List named images: repository, tag, manifest digest, size (sum of unique blobs), layers, created,",
                "IN USE (sheds and snapshots pinning one of its manifests), CACHED (its lower is materialized and current)."})
public final class ImageLsCommand implements Callable<Integer> {
    @Mixin
    FormatOption format;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** One listed image, computed once for both output forms. */
    record Row(String name, Reference ref, Descriptor target, long size, int layers, String created, int inUse,
               int manifests, int cachedManifests, String broken) {}

    @Override
    public Integer call() throws Exception {
        Lifecycle lc = Lifecycles.open();
        Store store = lc.store();
        ImageReader reader = new ImageReader(store);
        PrintWriter out = spec.commandLine().getOut();
        java.util.List<Row> rows = new java.util.ArrayList<>();
        for (NamedImage n : store.names().list()) rows.add(row(reader, n, lc));
        if (format.json()) {
            ArrayNode arr = Json.array();
            for (Row r : rows) {
                ObjectNode o = arr.addObject();
                o.put("name", r.name());
                o.put("digest", r.target().digest().toString());
                o.put("mediaType", r.target().mediaType());
                o.put("size", r.size());
                o.put("layers", r.layers());
                o.put("created", r.created());
                o.put("inUse", r.inUse());
                o.put("cached", r.manifests() > 0 && r.cachedManifests() == r.manifests());
                if (r.broken() != null) o.put("broken", r.broken());
            }
            out.println(Json.pretty(arr));
        } else {
            Table t = new Table("REPOSITORY", "TAG", "DIGEST", "SIZE", "LAYERS", "CREATED", "IN USE", "CACHED");
            for (Row r : rows) {
                t.row(displayRepository(r.ref()), r.ref().tag(), r.target().digest().shortHex(), Sizes.human(r.size()),
                        r.layers(), r.broken() != null ? "BROKEN" : Times.ago(r.created()), r.inUse(), cached(r));
            }
            t.print(out);
            PrintWriter err = spec.commandLine().getErr();
            for (Row r : rows) if (r.broken() != null) err.println("shed: warning: " + r.name() + " is broken: " + r.broken());
            err.flush();
        }
        out.flush();
        return 0;
    }

    /** yes/no for one manifest; cached/present for a multi-platform index. */
    static String cached(Row r) {
        if (r.manifests() <= 1) return r.cachedManifests() == 1 ? "yes" : "no";
        return r.cachedManifests() + "/" + r.manifests();
    }

    /**
     * One image's row. A stored image that can't be read (config or manifest not JSON, a blob missing) is listed as
     * broken, with the reason, instead of failing the whole listing.
     */
    private static Row row(ImageReader reader, NamedImage n, Lifecycle lc) throws java.io.IOException {
        StoredImage img;
        try {
            img = reader.load(n.name(), n.target());
        } catch (java.io.IOException | RuntimeException e) {
            return new Row(n.name(), Reference.parse(n.name()), n.target(), n.target().size(), 0, null, 0, 0, 0, oneLine(e));
        }
        String broken = null;
        Set<Digest> blobs = new LinkedHashSet<>();
        long size = 0;
        Set<Digest> layers = new LinkedHashSet<>();
        String created = null;
        int inUse = 0;
        int cached = 0;
        if (img.isIndex() && blobs.add(img.target().digest())) size += img.target().size();
        for (Manifest m : img.manifests()) {
            if (blobs.add(m.digest())) size += m.descriptor().size();
            inUse += lc.catalog().pinCount(m.digest());
            if (lc.lowers().isCached(m.digest())) cached++;
            if (blobs.add(m.config().digest())) size += m.config().size();
            for (Descriptor l : m.layers()) {
                layers.add(l.digest());
                if (blobs.add(l.digest())) size += l.size();
            }
            if (created == null && broken == null) {
                try {
                    created = reader.config(m).created();
                } catch (java.io.IOException | RuntimeException e) {
                    broken = oneLine(e);
                }
            }
        }
        return new Row(n.name(), Reference.parse(n.name()), n.target(), size, layers.size(), created, inUse,
                img.manifests().size(), cached, broken);
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** docker shows Hub library images by their short name. */
    static String displayRepository(Reference ref) {
        if (ref.registry().equals(Reference.DOCKER_HUB)) {
            return ref.repository().startsWith("library/") ? ref.repository().substring(8) : ref.repository();
        }
        return ref.name();
    }
}
