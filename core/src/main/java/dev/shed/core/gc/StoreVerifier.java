package dev.shed.core.gc;

import dev.shed.core.json.Json;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.shed.ShedCatalog;
import dev.shed.core.shed.Shed;
import dev.shed.core.shed.Snapshot;
import dev.shed.core.cache.CacheDir;
import dev.shed.core.store.Store;
import dev.shed.core.store.StoreLayout;
import dev.shed.core.store.StoreLinkException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
 * A symlink where the store keeps a directory, a blob or a lower is reported (shed never follows one).
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

        for (Path dir : storeDirs()) {
            if (Files.isSymbolicLink(dir)) {
                problems.add(relative(dir) + ": a symbolic link (to " + linkTarget(dir) + "), not a directory of the store; "
                        + "shed does not follow it");
            }
        }
        int checked = 0;
        Path blobsDir = store.layout().blobsDir();
        if (Files.isDirectory(blobsDir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(blobsDir)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (Files.isSymbolicLink(p)) {
                        problems.add("blobs/sha256/" + name + ": a symbolic link (to " + linkTarget(p) + "), not a blob");
                        continue;
                    }
                    if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || !Digest.isValid("sha256:" + name)) {
                        problems.add("blobs/sha256/" + name + ": not a blob (partial or foreign file)");
                        continue;
                    }
                    checked++;
                    if (!store.blobs().verify(new Digest(name))) problems.add("blob sha256:" + name + ": content does not match its digest");
                }
            }
        }
        try {
            for (Path p : new CacheDir(store.layout()).strays()) {
                if (Files.isSymbolicLink(p)) {
                    problems.add(relative(p) + ": a symbolic link (to " + linkTarget(p) + "), never served as a lower");
                }
            }
        } catch (StoreLinkException e) {
            // cache/sha256 itself: reported above
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

    /** The directories shed keeps under the root: none of them may be a symlink. */
    private List<Path> storeDirs() {
        StoreLayout l = store.layout();
        return List.of(l.root().resolve("blobs"), l.blobsDir(), l.root().resolve("cache"), l.cacheDir(),
                CacheDir.devicesDir(l).getParent(), CacheDir.devicesDir(l), l.stateDir(),
                l.ingestDir(), l.tmpDir(), l.locksDir(), l.usageDir(), l.shedsDir(), l.snapshotsDir(), l.mountsDir());
    }

    private String relative(Path p) {
        return store.layout().root().relativize(p).toString();
    }

    private static String linkTarget(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException e) {
            return "?";
        }
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
