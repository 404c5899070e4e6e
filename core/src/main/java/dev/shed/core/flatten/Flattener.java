package dev.shed.core.flatten;

import dev.shed.core.layer.EntryPaths;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.layer.LayerFormatException;
import dev.shed.core.layer.LayerReader;
import dev.shed.core.oci.Digest;
import dev.shed.core.progress.Progress;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ExternalData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Merges a manifest's layers into one tree (OCI image-spec layer.md), streaming: layers are read newest first
 * and the first entry seen for a path wins, so each winner goes to the sink — data included — the moment its
 * tar entry is read. Nothing but paths and flags is kept (see {@link PathTable}).
 *
 * <p>A layer's own whiteouts and opaque markers never hide its own entries, wherever they sit in the tar: they
 * are collected during the layer's pass and take effect only for the layers below it. Lower entries are decided
 * against what upper layers left in the table:
 * <ul>
 *   <li>hidden when the path or an ancestor was whited out, an ancestor was made opaque, or an upper layer put a
 *       non-directory at an ancestor (file replaces directory, with all its descendants);</li>
 *   <li>shadowed when an upper layer already emitted the path (a directory replaces a file the same way), or
 *       has entries below it (the upper directory wins over a lower non-directory);</li>
 *   <li>a lower directory entry at a path an upper layer only implied (by entries below it) is emitted: it gives
 *       that directory its metadata.</li>
 * </ul>
 * Hardlinks name an earlier entry of the same layer (tar semantics) or, like umoci, containerd and docker
 * apply them, what the target path holds just below the link's layer once that layer's entries before the link
 * are applied (whiteouts and opaque markers included, in tar order). The merged tree keeps inode identity as those
 * appliers leave it: names of one inode stay hardlinks of each other; when the inode's first name was replaced
 * or removed above, the first surviving link becomes a regular file with the target's metadata and data. A link to
 * an earlier file of its own layer whose data has passed already gets it in a second pass over that layer only;
 * a link to a lower layer waits in {@link LowerLinks} (by path, no data) until that layer's pass reaches it.
 *
 * <p>Refused, naming layer and entry: entries below a non-directory of the same layer (a symlinked parent
 * would make extraction write through it), a path that is both a directory and not within one layer, hardlinks
 * to directories or to paths that exist neither earlier in the layer nor below it, whiteouts of '.', '..' or nothing; paths
 * escaping the root and truncated streams are refused by {@link LayerReader}. Duplicate paths within a layer:
 * the later entry wins, as with tar extraction.
 */
public final class Flattener {
    private final Progress progress;
    private final LayerEntries.Opener opener;
    private final PathTable table = new PathTable();
    private final LowerLinks lowerLinks = new LowerLinks();
    private long entries;
    private long bytes;

    /** What a merge produced. */
    public record Result(long entries, long dataBytes, int layers, int pathNodes, long tableBytes) {}

    public Flattener(Progress progress) {
        this(progress, LayerEntries::tar);
    }

    /** A merge that reads each layer's entries through {@code opener} (e.g. from layer indexes instead of tars). */
    public Flattener(Progress progress, LayerEntries.Opener opener) {
        this.progress = progress;
        this.opener = opener;
    }

    /** Merges {@code layers} (manifest order: oldest first) into {@code sink}. Use each Flattener once. */
    public Result flatten(List<LayerBlob> layers, FlattenSink sink) throws IOException {
        if (entries != 0 || table.size() != 1) throw new IllegalStateException("a Flattener merges once");
        NamingSink named = new NamingSink(sink);
        for (int i = layers.size() - 1, l = 0; i >= 0; i--, l++) {
            named.layer = layers.get(i).digest();
            pass(l, layers.get(i), named);
        }
        lowerLinks.finish();
        return new Result(entries, bytes, layers.size(), table.size(), table.footprint());
    }

    /** What a hardlink names in the end: a file of this layer ({@code below} false), or a path below the layer. */
    private record Root(String path, boolean below) {}

    /** Per-layer state, dropped after the layer's pass. */
    private static final class LayerPass {
        /** Markers in tar order; they act on lower layers, and on this layer's later links to lower targets. */
        final Set<String> whiteouts = new LinkedHashSet<>();
        final Set<String> opaques = new LinkedHashSet<>();
        /** Regular files of this layer that upper layers hid: possible targets of shadowed-target hardlinks. */
        final LongSet shadowedFiles = new LongSet();
        /** Hardlink path → what it ultimately names (links may name links). */
        final Map<String, Root> linkRoots = new HashMap<>();
        /** Hidden file of this layer → the path where a link from above already gave its inode a name. */
        final Map<String, String> origins = new HashMap<>();
        /** Hidden target → winning links to it, in tar order: filled in the second pass. */
        final Map<String, List<ErofsEntry>> deferred = new LinkedHashMap<>();
    }

    private void pass(int l, LayerBlob layer, FlattenSink sink) throws IOException {
        if (l > Short.MAX_VALUE) throw new LayerFormatException(layer.digest(), null, "more than 32767 layers");
        Progress.Task task = progress.start(layer.digest().shortHex(), "Flattening", layer.descriptor().size());
        LayerPass st = new LayerPass();
        lowerLinks.startLayer();
        try (LayerEntries r = opener.open(layer, task::advance)) {
            try {
                entries(l, layer, r, st, sink);
            } catch (LayerFormatException ex) {
                throw r.explain(ex); // a merge rule broken by a corrupt blob: report the corruption
            }
        }
        if (!st.deferred.isEmpty()) copyShadowedTargets(layer, st, sink);
        lowerLinks.endLayer(st.whiteouts, st.opaques, layer.digest());
        for (String w : st.whiteouts) table.addFlags(create(w.getBytes(StandardCharsets.UTF_8)), PathTable.WHITEOUT);
        for (String o : st.opaques) table.addFlags(create(o.getBytes(StandardCharsets.UTF_8)), PathTable.OPAQUE);
        task.finish("Merged");
    }

    /** One layer's entries, in tar order, to the end of the layer (so its integrity is judged). */
    private void entries(int l, LayerBlob layer, LayerEntries r, LayerPass st, FlattenSink sink) throws IOException {
        ErofsEntry e;
        while ((e = r.next()) != null) {
            String path = e.path();
            String base = EntryPaths.baseName(path);
            if (base.startsWith(".wh.")) {
                marker(layer, r.currentName(), path, base, st);
                continue;
            }
            byte[] p = path.getBytes(StandardCharsets.UTF_8);
            boolean isDir = e.type() == EntryType.DIRECTORY;
            if (!isDir && path.isEmpty()) throw new LayerFormatException(layer.digest(), r.currentName(), "the image root must be a directory");
            boolean wins = wins(p, isDir, l, layer, r);
            List<LowerLinks.Request> waiting = null;
            if (!lowerLinks.idle()) {
                lowerLinks.entryAt(path, e.type(), layer.digest());
                waiting = lowerLinks.take(path);
            }
            if (e.type() != EntryType.HARDLINK && !st.linkRoots.isEmpty()) st.linkRoots.remove(path);
            switch (e.type()) {
                case FILE:
                    if (wins) {
                        mark(p, l, PathTable.REGULAR);
                        r.sendFile(sink, e);
                        entries++;
                        bytes += e.size();
                        if (waiting != null) linkAll(waiting, path, sink);
                    } else if (waiting != null) {
                        String first = firstName(waiting, e, r, sink);
                        if (first != null) st.origins.put(path, first);
                    } else {
                        st.shadowedFiles.add(LongSet.hash(p));
                    }
                    break;
                case HARDLINK:
                    hardlink(l, layer, r.currentName(), e, p, wins, st, sink);
                    if (waiting != null) linksToLink(l, layer, path, waiting, st, sink);
                    break;
                default:
                    if (wins) {
                        mark(p, l, isDir ? PathTable.DIR : 0);
                        sink.add(e);
                        entries++;
                    }
                    if (waiting == null) break;
                    if (isDir) {
                        throw LowerLinks.missing(waiting.get(0), path, "below, it is a directory");
                    }
                    if (wins) linkAll(waiting, path, sink);
                    else firstName(waiting, e, null, sink);
                    break;
            }
        }
    }

    private void marker(LayerBlob layer, String name, String path, String base, LayerPass st) throws LayerFormatException {
        String dir = EntryPaths.parent(path);
        if (base.equals(".wh..wh..opq")) {
            st.opaques.add(dir);
        } else if (base.startsWith(".wh..wh.")) {
            // aufs bookkeeping (.wh..wh.plnk, .wh..wh.aufs): never part of the tree
        } else {
            String victim = base.substring(4);
            if (victim.isEmpty() || victim.equals(".") || victim.equals("..")) {
                throw new LayerFormatException(layer.digest(), name, "whiteout names no entry");
            }
            st.whiteouts.add(EntryPaths.join(dir, victim));
        }
    }

    private void hardlink(int l, LayerBlob layer, String name, ErofsEntry e, byte[] p, boolean wins, LayerPass st,
                          FlattenSink sink) throws IOException {
        Root root = st.linkRoots.get(e.linkTarget());
        if (root == null) root = new Root(e.linkTarget(), !earlierInLayer(e.linkTarget(), l, st));
        if (!root.below() && root.path().equals(e.path())) throw new LayerFormatException(layer.digest(), name, "hardlink to itself");
        st.linkRoots.put(e.path(), root);
        if (root.below()) {
            // the layer's own markers before the link already removed the lower target (as an applier sees it)
            String removedBy = LowerLinks.removedBy(root.path(), st.whiteouts, st.opaques);
            if (removedBy != null) {
                throw new LayerFormatException(layer.digest(), name, "hardlink to '" + EntryPaths.shorten(root.path())
                        + "', which an earlier marker of this layer removed (it " + removedBy + ")");
            }
            if (wins) mark(p, l, PathTable.REGULAR);
            lowerLinks.add(root.path(), new LowerLinks.Request(layer.digest(), name, e, wins));
            return;
        }
        int tid = lookup(root.path().getBytes(StandardCharsets.UTF_8));
        if (tid >= 0 && (table.flags(tid) & PathTable.PRESENT) != 0 && table.layer(tid) == l && (table.flags(tid) & PathTable.DIR) != 0) {
            throw new LayerFormatException(layer.digest(), name, "hardlink to '" + EntryPaths.shorten(e.linkTarget()) + "', which is a directory");
        }
        if (!wins) return;
        mark(p, l, PathTable.REGULAR);
        String named = nameOf(root.path(), l, st);
        if (named != null) {
            sink.add(linkTo(e, named));
            entries++;
        } else {
            st.deferred.computeIfAbsent(root.path(), k -> new ArrayList<>()).add(e);
        }
    }

    /** Whether {@code target} is an entry this layer already had (emitted, hidden file, or named through a link). */
    private boolean earlierInLayer(String target, int l, LayerPass st) {
        byte[] t = target.getBytes(StandardCharsets.UTF_8);
        int tid = lookup(t);
        if (tid >= 0 && (table.flags(tid) & PathTable.PRESENT) != 0 && table.layer(tid) == l) return true;
        return st.origins.containsKey(target) || st.shadowedFiles.contains(LongSet.hash(t));
    }

    /** The path under which the inode of this layer's file {@code root} is already in the merged tree, or null. */
    private String nameOf(String root, int l, LayerPass st) {
        int tid = lookup(root.getBytes(StandardCharsets.UTF_8));
        if (tid >= 0 && (table.flags(tid) & PathTable.PRESENT) != 0 && table.layer(tid) == l
                && (table.flags(tid) & PathTable.DIR) == 0) {
            return root;
        }
        return st.origins.get(root);
    }

    /** Links from upper layers to a hardlink entry of this layer: they join what that link names. */
    private void linksToLink(int l, LayerBlob layer, String path, List<LowerLinks.Request> waiting, LayerPass st,
                             FlattenSink sink) throws IOException {
        Root root = st.linkRoots.get(path);
        if (root.below()) {
            for (LowerLinks.Request w : waiting) lowerLinks.add(root.path(), w);
            return;
        }
        String named = nameOf(root.path(), l, st);
        for (LowerLinks.Request w : waiting) {
            if (!w.emit()) continue;
            if (named != null) {
                sink.add(linkTo(w.link(), named));
                entries++;
            } else {
                st.deferred.computeIfAbsent(root.path(), k -> new ArrayList<>()).add(w.link());
            }
        }
    }

    /** Waiting links to an entry that is in the merged tree at {@code path}: hardlinks to it. */
    private void linkAll(List<LowerLinks.Request> waiting, String path, FlattenSink sink) throws IOException {
        for (LowerLinks.Request w : waiting) {
            if (!w.emit()) continue;
            sink.add(linkTo(w.link(), path));
            entries++;
        }
    }

    /**
     * Waiting links to an entry that upper layers hid: the first link in the tree takes the entry's place (its
     * metadata, and its data read now from {@code r} for a file), the others link to it. Returns that first path.
     */
    private String firstName(List<LowerLinks.Request> waiting, ErofsEntry target, LayerEntries r, FlattenSink sink) throws IOException {
        String first = null;
        for (LowerLinks.Request w : waiting) {
            if (!w.emit()) continue;
            if (first == null) {
                first = w.link().path();
                ErofsEntry copy = new ErofsEntry(first, target.type(), target.permissions(), target.uid(), target.gid(),
                        target.mtimeSeconds(), target.mtimeNanos(), target.size(), target.linkTarget(), target.devMajor(),
                        target.devMinor(), target.xattrs());
                if (r != null) {
                    r.sendFile(sink, copy);
                    bytes += target.size();
                } else {
                    sink.add(copy);
                }
            } else {
                sink.add(linkTo(w.link(), first));
            }
            entries++;
        }
        return first;
    }

    private static ErofsEntry linkTo(ErofsEntry link, String target) {
        return ErofsEntry.builder(link.path(), EntryType.HARDLINK).linkTarget(target)
                .permissions(link.permissions()).owner(link.uid(), link.gid()).mtime(link.mtimeSeconds(), link.mtimeNanos()).build();
    }

    /**
     * Second pass over one layer: each hidden hardlink target's data goes to its first winning link (as a
     * regular file with the target's metadata); the other links become hardlinks to that one.
     */
    private void copyShadowedTargets(LayerBlob layer, LayerPass st, FlattenSink sink) throws IOException {
        try (LayerEntries r = opener.open(layer, null)) {
            ErofsEntry e;
            while (!st.deferred.isEmpty() && (e = r.next()) != null) {
                if (e.type() != EntryType.FILE) continue;
                List<ErofsEntry> links = st.deferred.remove(e.path());
                if (links == null) continue;
                ErofsEntry first = links.get(0);
                ErofsEntry copy = new ErofsEntry(first.path(), EntryType.FILE, e.permissions(), e.uid(), e.gid(),
                        e.mtimeSeconds(), e.mtimeNanos(), e.size(), null, 0, 0, e.xattrs());
                r.sendFile(sink, copy);
                entries++;
                bytes += e.size();
                for (ErofsEntry other : links.subList(1, links.size())) {
                    sink.add(linkTo(other, first.path()));
                    entries++;
                }
            }
            r.drain();
        }
        if (!st.deferred.isEmpty()) {
            String target = st.deferred.keySet().iterator().next();
            throw new LayerFormatException(layer.digest(), st.deferred.get(target).get(0).path(),
                    "hardlink target '" + EntryPaths.shorten(target) + "' vanished on the second read of the layer");
        }
    }

    /**
     * Names layer and entry in whatever the sink refuses (an extraction error with a 6,000-character path, a name
     * the writer can't hold), so every failure is one line the user can act on.
     */
    private static final class NamingSink implements FlattenSink {
        private final FlattenSink sink;
        Digest layer;

        NamingSink(FlattenSink sink) {
            this.sink = sink;
        }

        @Override
        public void add(ErofsEntry entry) throws IOException {
            try {
                sink.add(entry);
            } catch (IOException | RuntimeException e) {
                throw failure(entry, e);
            }
        }

        @Override
        public void add(ErofsEntry file, InputStream data) throws IOException {
            try {
                sink.add(file, data);
            } catch (IOException | RuntimeException e) {
                throw failure(file, e);
            }
        }

        @Override
        public void add(ErofsEntry file, ExternalData data) throws IOException {
            try {
                sink.add(file, data);
            } catch (IOException | RuntimeException e) {
                throw failure(file, e);
            }
        }

        private IOException failure(ErofsEntry entry, Exception e) {
            if (e instanceof LayerFormatException lfe) return lfe; // from the layer's own data: already named
            if (e instanceof RuntimeException && !(e instanceof IllegalArgumentException)) throw (RuntimeException) e;
            String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason() : e.getMessage();
            if (reason == null) reason = e.getClass().getSimpleName();
            int nl = reason.indexOf('\n');
            if (nl >= 0) reason = reason.substring(0, nl);
            return new IOException("layer " + layer + " entry '" + EntryPaths.shorten(entry.path()) + "': cannot be written: "
                    + EntryPaths.shorten(reason), e);
        }
    }

    /**
     * Whether an entry of layer {@code l} at {@code p} enters the merged tree, judged against the markers and
     * entries of the layers above it (and duplicates within its own layer).
     */
    private boolean wins(byte[] p, boolean isDir, int l, LayerBlob layer, LayerEntries r) throws LayerFormatException {
        if (p.length == 0) {
            int f = table.flags(PathTable.ROOT);
            return (f & PathTable.PRESENT) == 0 || table.layer(PathTable.ROOT) == l;
        }
        int node = PathTable.ROOT;
        int start = 0;
        while (true) {
            int slash = indexOf(p, start);
            int end = slash < 0 ? p.length : slash;
            int id = table.child(node, p, start, end - start);
            if (id < 0) return true;
            int f = table.flags(id);
            if ((f & PathTable.WHITEOUT) != 0) return false;
            if (slash >= 0) {
                if ((f & PathTable.OPAQUE) != 0) return false;
                if ((f & PathTable.PRESENT) != 0 && (f & PathTable.DIR) == 0) {
                    if (table.layer(id) < l) return false;
                    throw new LayerFormatException(layer.digest(), r.currentName(), "is below '"
                            + EntryPaths.shorten(new String(p, 0, end, StandardCharsets.UTF_8))
                            + "', which this layer made a non-directory (symlink or file); refusing to write through it");
                }
                node = id;
                start = slash + 1;
                continue;
            }
            if ((f & PathTable.PRESENT) != 0) {
                if (table.layer(id) < l) return false;
                if (((f & PathTable.DIR) != 0) != isDir) {
                    throw new LayerFormatException(layer.digest(), r.currentName(), "appears twice in the layer, once as a directory and once not");
                }
                return true; // duplicate within the layer: the later entry wins
            }
            if ((f & PathTable.IMPLIED) != 0 && !isDir) {
                if (table.layer(id) < l) return false; // an upper layer has entries below: its directory wins
                throw new LayerFormatException(layer.digest(), r.currentName(), "is not a directory, but the layer has entries below it");
            }
            return true;
        }
    }

    /** Records an emitted entry at {@code p}: ancestors become implied directories unless already known. */
    private void mark(byte[] p, int l, int kind) {
        if (p.length == 0) {
            table.setFlags(PathTable.ROOT, (table.flags(PathTable.ROOT) & (PathTable.OPAQUE)) | PathTable.PRESENT | PathTable.DIR);
            table.setLayer(PathTable.ROOT, l);
            return;
        }
        int node = PathTable.ROOT;
        int start = 0;
        while (true) {
            int slash = indexOf(p, start);
            int end = slash < 0 ? p.length : slash;
            int id = table.childOrCreate(node, p, start, end - start);
            int f = table.flags(id);
            if (slash < 0) {
                table.setFlags(id, (f & (PathTable.WHITEOUT | PathTable.OPAQUE)) | PathTable.PRESENT | kind);
                table.setLayer(id, l);
                return;
            }
            if ((f & (PathTable.PRESENT | PathTable.IMPLIED)) == 0) {
                table.setFlags(id, f | PathTable.IMPLIED | PathTable.DIR);
                table.setLayer(id, l);
            }
            node = id;
            start = slash + 1;
        }
    }

    private int lookup(byte[] p) {
        if (p.length == 0) return PathTable.ROOT;
        int node = PathTable.ROOT;
        int start = 0;
        while (node >= 0) {
            int slash = indexOf(p, start);
            int end = slash < 0 ? p.length : slash;
            node = table.child(node, p, start, end - start);
            if (slash < 0) return node;
            start = slash + 1;
        }
        return -1;
    }

    private int create(byte[] p) {
        if (p.length == 0) return PathTable.ROOT;
        int node = PathTable.ROOT;
        int start = 0;
        while (true) {
            int slash = indexOf(p, start);
            int end = slash < 0 ? p.length : slash;
            node = table.childOrCreate(node, p, start, end - start);
            if (slash < 0) return node;
            start = slash + 1;
        }
    }

    private static int indexOf(byte[] p, int from) {
        for (int i = from; i < p.length; i++) if (p[i] == '/') return i;
        return -1;
    }
}
