package dev.shed.core.flatten;

import dev.shed.core.testing.Processes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A comparable description of a directory tree, for differential tests: per path its type, mode (incl.
 * setuid/sticky), uid/gid, mtime, content digest, symlink target, rdev, all xattrs (read with getfattr, which
 * sees every namespace) and hardlink identity (the first path of its inode's group). Two trees are equal when
 * their snapshots are equal; AssertJ then shows exactly which paths differ.
 */
final class TreeSnapshot {
    private TreeSnapshot() {}

    /** Snapshot of {@code root}; {@code withRootDir} includes the root directory's own metadata. */
    static Map<String, String> of(Path root, boolean withRootDir) throws IOException, InterruptedException {
        Map<String, String> xattrs = xattrs(root);
        Map<String, String> out = new TreeMap<>();
        Map<Object, List<String>> inodes = new HashMap<>();
        List<Path> all = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                all.add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                all.add(file);
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path p : all) {
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int nlink = (Integer) a.get("nlink");
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && nlink > 1) {
                inodes.computeIfAbsent(a.get("ino"), k -> new ArrayList<>()).add(rel(root, p));
            }
        }
        Map<String, String> linkGroup = new HashMap<>();
        for (List<String> group : inodes.values()) {
            group.sort(null);
            for (String s : group) linkGroup.put(s, group.get(0));
        }
        for (Path p : all) {
            String rel = rel(root, p);
            if (rel.isEmpty() && !withRootDir) continue;
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            StringBuilder sb = new StringBuilder();
            String type = type(mode);
            sb.append(type);
            sb.append(" mode=").append(Integer.toOctalString(mode & 07777));
            sb.append(" uid=").append(a.get("uid")).append(" gid=").append(a.get("gid"));
            if (!type.equals("symlink")) {
                FileTime t = (FileTime) a.get("lastModifiedTime");
                sb.append(" mtime=").append(t.toInstant());
            }
            switch (type) {
                case "file":
                    sb.append(" size=").append(a.get("size")).append(" sha256=").append(sha256(p));
                    break;
                case "symlink":
                    sb.append(" -> ").append(Files.readSymbolicLink(p));
                    break;
                case "char":
                case "block":
                    long rdev = (Long) a.get("rdev");
                    sb.append(" rdev=").append(rdev);
                    break;
                default:
                    break;
            }
            if (linkGroup.containsKey(rel)) sb.append(" link=").append(linkGroup.get(rel));
            String x = xattrs.get(rel);
            if (x != null) sb.append(" xattrs{").append(x).append("}");
            out.put(rel.isEmpty() ? "." : rel, sb.toString());
        }
        return out;
    }

    private static String type(int mode) {
        switch (mode & 0170000) {
            case 0100000: return "file";
            case 0040000: return "dir";
            case 0120000: return "symlink";
            case 0020000: return "char";
            case 0060000: return "block";
            case 0010000: return "fifo";
            case 0140000: return "socket";
            default: return "unknown";
        }
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString();
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) md.update(buf, 0, n);
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** path → "name=0xhex,..." for every xattr in every namespace (getfattr -R -h). */
    private static Map<String, String> xattrs(Path root) throws IOException, InterruptedException {
        Processes.Result r = Processes.run(root, List.of("getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", "."));
        Map<String, String> out = new HashMap<>();
        String current = null;
        StringBuilder sb = new StringBuilder();
        for (String line : (r.stdout() + "\n").split("\n", -1)) {
            if (line.startsWith("# file: ")) {
                current = line.substring(8);
                if (current.startsWith("./")) current = current.substring(2);
                else if (current.equals(".")) current = "";
                sb.setLength(0);
            } else if (line.isEmpty()) {
                if (current != null && sb.length() > 0) out.put(current, sb.toString());
                current = null;
            } else if (current != null) {
                if (sb.length() > 0) sb.append(',');
                sb.append(line);
            }
        }
        return out;
    }
}
