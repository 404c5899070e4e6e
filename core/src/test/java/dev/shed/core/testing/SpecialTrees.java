package dev.shed.core.testing;

import dev.shed.erofs.SpecialTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The special tree erofs's tests build ({@link SpecialTree}: FIFOs, devices, a socket, every xattr namespace), behind
 * this project's integration gates, and {@link #xattrs} to list a tree's extended attributes with getfattr, an
 * oracle that is not shed's code. Needs root (devices, trusted.* and security.* names).
 */
public final class SpecialTrees {
    public static final String CAPABILITY = SpecialTree.CAPABILITY;

    private SpecialTrees() {}

    /** {@link SpecialTree#make} (erofs's test-jar), skipped (or failed under SHED_REQUIRE_INTEGRATION) without root or attr. */
    public static Path make(Path root) throws IOException, InterruptedException {
        Integration.requireRoot();
        Integration.requireTool("setfattr");
        Integration.requireTool("getfattr");
        return SpecialTree.make(root);
    }

    /**
     * Every xattr under {@code root} in every namespace, symlinks' own (getfattr -R -h -m -), as path → name → hex
     * value; the root is "." and others their relative path.
     */
    public static Map<String, Map<String, String>> xattrs(Path root) throws IOException, InterruptedException {
        String listing = Processes.check(root, "getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", ".");
        Map<String, Map<String, String>> out = new TreeMap<>();
        Map<String, String> current = null;
        for (String line : listing.split("\n")) {
            if (line.startsWith("# file: ")) {
                current = out.computeIfAbsent(line.substring("# file: ".length()), k -> new TreeMap<>());
            } else if (current != null && line.contains("=")) {
                int eq = line.indexOf('=');
                String v = line.substring(eq + 1);
                current.put(line.substring(0, eq), v.startsWith("0x") ? v.substring(2) : v);
            }
        }
        return out;
    }

    /** Type bits and device numbers of a node, as the kernel reports them. */
    public static String node(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
        return Integer.toOctalString((Integer) a.get("mode") & 0170000) + " rdev=" + a.get("rdev");
    }
}
