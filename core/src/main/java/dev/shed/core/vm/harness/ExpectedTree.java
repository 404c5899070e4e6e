package dev.shed.core.vm.harness;

import dev.shed.core.flatten.FlattenSink;
import dev.shed.core.flatten.Flattener;
import dev.shed.core.layer.LayerBlob;
import dev.shed.core.progress.Progress;
import dev.shed.erofs.ErofsEntry;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tree a lower should hold, computed from the layer tars by the flattener alone — no EROFS writer, no lower —
 * so the harness compares the guest's view against an independent account. Hardlinks are kept as links to
 * their target's path; directories no layer describes (parents that only their children imply) are recorded as
 * such, since their metadata is the writer's choice.
 */
public final class ExpectedTree implements FlattenSink {
    private final Map<String, TreeEntry> entries = new TreeMap<>();
    private final Map<String, String> hardlinks = new LinkedHashMap<>();

    public static ExpectedTree of(List<LayerBlob> layers) throws IOException {
        ExpectedTree t = new ExpectedTree();
        new Flattener(Progress.NONE).flatten(layers, t);
        t.implyParents();
        return t;
    }

    /** Every path; a hardlink appears as its target's entry at the link's path. */
    public Map<String, TreeEntry> entries() {
        Map<String, TreeEntry> out = new TreeMap<>(entries);
        hardlinks.forEach((link, target) -> {
            TreeEntry t = entries.get(target);
            if (t != null) out.put(link, t.at(link));
        });
        return out;
    }

    /** Hardlink path → the path of the file it shares an inode with. */
    public Map<String, String> hardlinks() {
        return hardlinks;
    }

    @Override
    public void add(ErofsEntry e) {
        if (e.type() == dev.shed.erofs.EntryType.HARDLINK) {
            entries.remove(e.path());
            hardlinks.put(e.path(), e.linkTarget());
            return;
        }
        hardlinks.remove(e.path());
        entries.put(e.path(), entry(e, null));
    }

    @Override
    public void add(ErofsEntry file, InputStream data) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[64 << 10];
        long left = file.size();
        while (left > 0) {
            int n = data.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException(file.path() + ": layer data ended early");
            md.update(buf, 0, n);
            left -= n;
        }
        hardlinks.remove(file.path());
        entries.put(file.path(), entry(file, HexFormat.of().formatHex(md.digest())));
    }

    private static TreeEntry entry(ErofsEntry e, String sha) {
        char type;
        switch (e.type()) {
            case FILE: type = 'f'; break;
            case DIRECTORY: type = 'd'; break;
            case SYMLINK: type = 'l'; break;
            case CHAR_DEVICE: type = 'c'; break;
            case BLOCK_DEVICE: type = 'b'; break;
            case FIFO: type = 'p'; break;
            default: type = 's'; break;
        }
        Map<String, String> x = new TreeMap<>();
        e.xattrs().forEach((k, v) -> x.put(k, HexFormat.of().formatHex(v)));
        long size = type == 'f' ? e.size() : type == 'l' ? e.linkTarget().getBytes(java.nio.charset.StandardCharsets.UTF_8).length : 0;
        return new TreeEntry(e.path(), type, e.permissions() & 07777, e.uid(), e.gid(), size,
                e.mtimeSeconds() * 1_000_000_000L + e.mtimeNanos(), type == 'l' ? e.linkTarget() : null,
                e.devMajor(), e.devMinor(), x, sha, 0, true);
    }

    private void implyParents() {
        List<String> paths = new java.util.ArrayList<>(entries.keySet());
        paths.addAll(hardlinks.keySet());
        for (String p : paths) {
            for (int slash = p.lastIndexOf('/'); slash > 0; slash = p.lastIndexOf('/', slash - 1)) {
                entries.putIfAbsent(p.substring(0, slash), TreeEntry.implied(p.substring(0, slash)));
            }
        }
        entries.putIfAbsent("", TreeEntry.implied(""));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
