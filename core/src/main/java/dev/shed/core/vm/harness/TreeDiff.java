package dev.shed.core.vm.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Compares the guest's listing with the expected tree, field by field: type, mode, owner, size (files and
 * symlinks), mtime, symlink target, device numbers, xattrs, content hash; hardlinks must share their target's
 * inode. Directories no layer describes are checked for existence and type only.
 */
public final class TreeDiff {
    private TreeDiff() {}

    public static List<String> compare(ExpectedTree expected, Map<String, TreeEntry> guest) {
        Map<String, TreeEntry> want = expected.entries();
        List<String> out = new ArrayList<>();
        TreeSet<String> all = new TreeSet<>(want.keySet());
        all.addAll(guest.keySet());
        for (String p : all) {
            TreeEntry w = want.get(p);
            TreeEntry g = guest.get(p);
            String shown = "/" + p;
            if (g == null) {
                out.add(shown + ": missing in the guest");
                continue;
            }
            if (w == null) {
                out.add(shown + ": only in the guest (" + g.type() + ")");
                continue;
            }
            if (w.type() != g.type()) {
                out.add(shown + ": type " + w.type() + " expected, guest has " + g.type());
                continue;
            }
            if (!w.described()) continue;
            field(out, shown, "mode", Integer.toOctalString(w.mode()), Integer.toOctalString(g.mode()));
            field(out, shown, "uid", w.uid(), g.uid());
            field(out, shown, "gid", w.gid(), g.gid());
            if (w.type() == 'f' || w.type() == 'l') field(out, shown, "size", w.size(), g.size());
            field(out, shown, "mtime", w.mtimeNanos(), g.mtimeNanos());
            field(out, shown, "link target", w.link(), g.link());
            if (w.type() == 'c' || w.type() == 'b') field(out, shown, "rdev", w.major() + ":" + w.minor(), g.major() + ":" + g.minor());
            field(out, shown, "xattrs", w.xattrs(), g.xattrs());
            if (w.type() == 'f') field(out, shown, "sha256", w.sha256(), g.sha256());
        }
        expected.hardlinks().forEach((link, target) -> {
            TreeEntry l = guest.get(link);
            TreeEntry t = guest.get(target);
            if (l != null && t != null && l.inode() != t.inode()) {
                out.add("/" + link + ": not a hardlink of /" + target + " (inode " + l.inode() + " vs " + t.inode() + ")");
            }
        });
        return out;
    }

    private static void field(List<String> out, String path, String name, Object want, Object got) {
        if (!Objects.equals(want, got)) out.add(path + ": " + name + " " + want + " expected, guest has " + got);
    }
}
