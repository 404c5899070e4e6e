package dev.shed.core.gc;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.Snapshot;
import dev.shed.core.store.Store;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code shed image verify}: the store's invariants, checked from the files. index.json and oci-layout parse;
 * blobs/sha256 holds only complete blobs (every file named by a digest, its content hashing to that name —
 * no partial file is visible); every named image and every shed/snapshot pin reaches only blobs that exist.
 * Blobs of an index's platforms that were never pulled are not required (an index may be stored partially).
 */
public final class StoreVerifier {
    private final Store store;
    private final ShedCatalog catalog;

    public StoreVerifier(Store store, ShedCatalog catalog) {
        this.store = store;
        this.catalog = catalog;
    }

    /** The outcome: problems found (empty = the store is sound) and how much was checked. */
    public record Result(List<String> problems, int images, int pins, int blobsChecked) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    public Result verify() throws IOException {
        List<String> problems = new ArrayList<>();
        try {
            Json.parseObject(Files.readAllBytes(store.layout().ociLayoutFile()), "oci-layout");
        } catch (IOException | IllegalArgumentException e) {
            problems.add("oci-layout: " + e.getMessage());
        }
        List<Descriptor> entries;
        try {
            entries = store.names().entries();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return new Result(problems, 0, 0, 0);
        }

        int checked = 0;
        try (Stream<Path> s = Files.list(store.layout().blobsDir())) {
            for (Path p : s.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!Files.isRegularFile(p) || !Digest.isValid("sha256:" + name)) {
                    problems.add("blobs/sha256/" + name + ": not a blob (partial or foreign file)");
                    continue;
                }
                checked++;
                if (!store.blobs().verify(new Digest(name))) problems.add("blob sha256:" + name + ": content does not match its digest");
            }
        }

        ImageGraph graph = new ImageGraph(store);
        for (Descriptor e : entries) {
            String what = e.annotation(Descriptor.REF_NAME) != null ? "image " + e.annotation(Descriptor.REF_NAME) : "index.json entry " + e.digest();
            missing(graph, graph.closure(e), what, problems);
        }
        int pins = 0;
        for (Shed shed : catalog.sheds()) {
            pins++;
            missing(graph, graph.manifestClosure(shed.manifest()), "shed " + shed.name(), problems);
        }
        for (Snapshot snap : catalog.snapshots()) {
            pins++;
            missing(graph, graph.manifestClosure(snap.manifest()), "snapshot " + snap.name(), problems);
        }
        return new Result(problems, entries.size(), pins, checked);
    }

    private static void missing(ImageGraph graph, Set<Digest> closure, String what, List<String> problems) {
        Set<Digest> optional = new LinkedHashSet<>();
        for (Digest d : closure) {
            ImageGraph.Node n = graph.get(d);
            if (n != null && n.role() == ImageGraph.Role.INDEX) optional.addAll(n.children());
        }
        for (Digest d : closure) {
            ImageGraph.Node n = graph.get(d);
            if (n == null || n.present()) continue;
            if (optional.contains(d) && n.role() == ImageGraph.Role.MANIFEST) continue; // platform never pulled
            problems.add(what + ": blob " + d + " (" + n.role().name().toLowerCase(java.util.Locale.ROOT) + ") is missing");
        }
    }
}
