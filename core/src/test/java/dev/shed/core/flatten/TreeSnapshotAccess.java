package dev.shed.core.flatten;

import java.nio.file.Path;
import java.util.Map;

/** Public door to the package-private tree snapshot, for tests in other packages. */
public final class TreeSnapshotAccess {
    private TreeSnapshotAccess() {}

    public static Map<String, String> of(Path root) throws Exception {
        return TreeSnapshot.of(root, false);
    }

    /** Human-readable differences: one line per path whose description differs or that only one side has. */
    public static java.util.List<String> diff(Map<String, String> expected, Map<String, String> actual) {
        java.util.TreeSet<String> keys = new java.util.TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        java.util.List<String> out = new java.util.ArrayList<>();
        for (String k : keys) {
            String e = expected.get(k);
            String a = actual.get(k);
            if (!java.util.Objects.equals(e, a)) out.add(k + "\n   expected: " + e + "\n   actual:   " + a);
        }
        return out;
    }

    /**
     * What fsck.erofs 1.5 --extract can reproduce: it writes each hardlink as a separate copy, restores no xattrs,
     * and chowns after chmod (which clears setuid/setgid). The kernel mount comparison covers those attributes.
     */
    public static Map<String, String> asFsckExtracts(Map<String, String> snapshot) {
        Map<String, String> out = new java.util.TreeMap<>();
        snapshot.forEach((k, v) -> {
            String s = v.replaceAll(" link=[^ ]+", "").replaceAll(" xattrs\\{[^}]*\\}", "");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("mode=([0-7]+)").matcher(s);
            if (m.find()) {
                int mode = Integer.parseInt(m.group(1), 8);
                if (!s.startsWith("dir")) mode &= ~06000;
                s = s.substring(0, m.start(1)) + Integer.toOctalString(mode) + s.substring(m.end(1));
            }
            out.put(k, s);
        });
        return out;
    }
}
