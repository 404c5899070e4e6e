package dev.shed.core.flatten;

import dev.shed.core.layer.EntryPaths;
import dev.shed.core.layer.LayerFormatException;
import dev.shed.core.oci.Digest;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Hardlinks whose target is not an earlier entry of their own layer but lies in a layer below (appliers such as
 * umoci, containerd and docker resolve them against the rootfs built so far). The merge reads layers newest
 * first, so such a link waits here, by target path, until a lower layer's pass reaches the entry that path held
 * just below the link's layer. Only links are kept (a few per image, if any), never data.
 *
 * <p>A request made in layer N waits from layer N-1 down. Each lower layer's pass either meets the target (and
 * the merge resolves it), or removes it (whiteout, opaque parent, non-directory parent: the target existed
 * nowhere below, refused), or passes it on.
 */
final class LowerLinks {
    /**
     * One link waiting for its target.
     *
     * @param layer the link's layer, for messages
     * @param entry the link's raw tar name, for messages
     * @param link  the link entry (its path is where the merged tree gets the target's inode)
     * @param emit  whether the link is in the merged tree; a hidden link is still checked (its target must exist)
     */
    record Request(Digest layer, String entry, ErofsEntry link, boolean emit) {}

    /** Waiting for the current pass: made by upper layers. */
    private Map<String, List<Request>> pending = new HashMap<>();
    /** Made during the current pass: they wait from the next layer on. */
    private Map<String, List<Request>> added = new HashMap<>();
    /** Proper ancestors of pending targets → those targets, for the current pass (null when nothing waits). */
    private Map<String, List<String>> ancestors;

    void add(String target, Request r) {
        added.computeIfAbsent(target, k -> new ArrayList<>()).add(r);
    }

    /** Whether nothing waits in the current pass (the common case: every check below is skipped). */
    boolean idle() {
        return pending.isEmpty();
    }

    void startLayer() {
        ancestors = null;
        if (pending.isEmpty()) return;
        ancestors = new HashMap<>();
        for (String target : pending.keySet()) {
            for (String a = EntryPaths.parent(target); !a.isEmpty(); a = EntryPaths.parent(a)) {
                ancestors.computeIfAbsent(a, k -> new ArrayList<>()).add(target);
            }
        }
    }

    /** The requests waiting for {@code path}, removed (null when none). */
    List<Request> take(String path) {
        return pending.isEmpty() ? null : pending.remove(path);
    }

    /** An entry of the current layer that is not a directory removes every waiting target below it. */
    void entryAt(String path, EntryType type, Digest layer) throws LayerFormatException {
        if (ancestors == null || type == EntryType.DIRECTORY) return;
        List<String> below = ancestors.get(path);
        if (below == null) return;
        for (String target : below) {
            List<Request> rs = pending.get(target);
            if (rs != null) throw missing(rs.get(0), target, "layer " + layer + " made '" + EntryPaths.shorten(path) + "' a non-directory");
        }
    }

    /**
     * Ends the current layer's pass: a target it whited out or hid under an opaque directory (and did not itself
     * hold) is missing; the requests made in this pass start waiting.
     */
    void endLayer(Set<String> whiteouts, Set<String> opaques, Digest layer) throws LayerFormatException {
        for (Map.Entry<String, List<Request>> w : pending.entrySet()) {
            String removedBy = removedBy(w.getKey(), whiteouts, opaques);
            if (removedBy != null) throw missing(w.getValue().get(0), w.getKey(), "layer " + layer + " " + removedBy);
        }
        added.forEach((target, rs) -> pending.computeIfAbsent(target, k -> new ArrayList<>()).addAll(rs));
        added = new HashMap<>();
        ancestors = null;
    }

    /** After the last layer: whatever still waits names nothing. */
    void finish() throws LayerFormatException {
        for (Map.Entry<String, List<Request>> w : pending.entrySet()) {
            throw missing(w.getValue().get(0), w.getKey(), "no layer below has it");
        }
    }

    /**
     * How {@code path} was removed by a layer's markers: a whiteout of it or of an ancestor, or an opaque marker on
     * an ancestor; null when it was not.
     */
    static String removedBy(String path, Set<String> whiteouts, Set<String> opaques) {
        if (whiteouts.isEmpty() && opaques.isEmpty()) return null;
        if (whiteouts.contains(path)) return "whites it out";
        for (String a = EntryPaths.parent(path); ; a = EntryPaths.parent(a)) {
            if (whiteouts.contains(a) && !a.isEmpty()) return "whites out '" + EntryPaths.shorten(a) + "'";
            if (opaques.contains(a)) return "makes '" + (a.isEmpty() ? "/" : EntryPaths.shorten(a)) + "' opaque";
            if (a.isEmpty()) return null;
        }
    }

    static LayerFormatException missing(Request r, String target, String why) {
        return new LayerFormatException(r.layer(), r.entry(), "hardlink to '" + EntryPaths.shorten(target)
                + "', which is neither an earlier entry of this layer nor in a layer below (" + why + ")");
    }
}
