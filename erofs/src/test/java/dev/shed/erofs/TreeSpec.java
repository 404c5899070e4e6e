package dev.shed.erofs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A tree to put in an image: entries in add order (with file content), the view the image should
 * show (later adds replace, missing parents implied), and checks of a mounted or extracted tree.
 */
final class TreeSpec {
    record Item(ErofsEntry entry, Content content) {}

    final List<Item> items = new ArrayList<>();
    final long buildTime;

    TreeSpec(long buildTime) {
        this.buildTime = buildTime;
    }

    TreeSpec add(ErofsEntry e) {
        items.add(new Item(e, null));
        return this;
    }

    TreeSpec file(ErofsEntry e, Content c) {
        items.add(new Item(e, c));
        return this;
    }

    ErofsImageStats write(Path image, ErofsOptions options) throws IOException {
        return write(image, options, items);
    }

    ErofsImageStats writeShuffled(Path image, ErofsOptions options, Random random) throws IOException {
        List<Item> copy = new ArrayList<>(items);
        Collections.shuffle(copy, random);
        return write(image, options, copy);
    }

    /** Writes the items in image order (depth-first, names sorted by bytes), as a sorted directory walk would. */
    ErofsImageStats writeInImageOrder(Path image, ErofsOptions options) throws IOException {
        List<Item> copy = new ArrayList<>(items);
        copy.sort((a, b) -> comparePaths(a.entry().path(), b.entry().path()));
        return write(image, options, copy);
    }

    private static int comparePaths(String a, String b) {
        String[] pa = a.isEmpty() ? new String[0] : a.split("/");
        String[] pb = b.isEmpty() ? new String[0] : b.split("/");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c = java.util.Arrays.compareUnsigned(pa[i].getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    pb[i].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (c != 0) return c;
        }
        return Integer.compare(pa.length, pb.length);
    }

    static ErofsImageStats write(Path image, ErofsOptions options, List<Item> order) throws IOException {
        ErofsWriter w = ErofsWriter.create(image, options);
        try (w) {
            for (Item it : order) {
                if (it.content() != null) {
                    try (InputStream in = it.content().open()) {
                        w.add(it.entry(), in);
                    }
                } else {
                    w.add(it.entry());
                }
            }
        }
        return w.stats();
    }

    /** Final path → item as the image should show it (implicit parents included). */
    Map<String, Item> expected() {
        Map<String, Item> view = new LinkedHashMap<>();
        for (Item it : items) {
            String p = it.entry().path();
            Item old = view.get(p);
            if (old != null && old.entry().type() == EntryType.DIRECTORY && it.entry().type() != EntryType.DIRECTORY) {
                view.keySet().removeIf(k -> k.startsWith(p + "/"));
            }
            view.put(p, it);
        }
        Map<String, Item> full = new TreeMap<>(view);
        for (String p : new ArrayList<>(view.keySet())) {
            for (String parent = parentOf(p); parent != null; parent = parentOf(parent)) {
                full.putIfAbsent(parent, new Item(ErofsEntry.builder(parent, EntryType.DIRECTORY)
                        .permissions(0755).mtime(buildTime, 0).build(), null));
            }
        }
        full.putIfAbsent("", new Item(ErofsEntry.builder("", EntryType.DIRECTORY).permissions(0755)
                .mtime(buildTime, 0).build(), null));
        return full;
    }

    private static String parentOf(String p) {
        if (p.isEmpty()) return null;
        int i = p.lastIndexOf('/');
        return i < 0 ? "" : p.substring(0, i);
    }

    private static Item resolve(Map<String, Item> view, Item it) {
        Item cur = it;
        while (cur.entry().type() == EntryType.HARDLINK) cur = view.get(cur.entry().linkTarget().replaceFirst("^/+", ""));
        return cur;
    }

    /** Checks everything the kernel exposes: names, types, modes, owners, times, data, links, rdev, xattrs. */
    void verifyMounted(Path root) throws IOException {
        Map<String, Item> view = expected();
        assertThat(listPaths(root)).as("paths in image").containsExactlyInAnyOrderElementsOf(view.keySet());
        Map<String, Object> inodeOfGroup = new HashMap<>();
        Map<String, Integer> namesPerGroup = new HashMap<>();
        for (var e : view.entrySet()) {
            Item target = resolve(view, e.getValue());
            namesPerGroup.merge(target.entry().path(), 1, Integer::sum);
        }
        Map<String, Map<String, byte[]>> xattrs = ErofsReaders.xattrs(root);
        for (var e : view.entrySet()) {
            String path = e.getKey();
            Item target = resolve(view, e.getValue());
            ErofsEntry x = target.entry();
            Path p = path.isEmpty() ? root : root.resolve(path);
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            String what = path + " (" + x.type() + ")";
            assertThat(mode & 0170000).as("type of %s", what).isEqualTo(typeBits(x.type()));
            assertThat(mode & 07777).as("mode of %s", what).isEqualTo(x.permissions());
            assertThat(((Number) a.get("uid")).longValue() & 0xffffffffL).as("uid of %s", what).isEqualTo(x.uid());
            assertThat(((Number) a.get("gid")).longValue() & 0xffffffffL).as("gid of %s", what).isEqualTo(x.gid());
            FileTime mtime = (FileTime) a.get("lastModifiedTime");
            assertThat(mtime.toInstant().getEpochSecond()).as("mtime of %s", what).isEqualTo(x.mtimeSeconds());
            assertThat(mtime.toInstant().getNano()).as("mtime nsec of %s", what).isEqualTo(x.mtimeNanos());
            switch (x.type()) {
                case FILE -> {
                    assertThat((Long) a.get("size")).as("size of %s", what).isEqualTo(x.size());
                    String want = target.content() == null ? Content.of(0, 0, Content.Kind.RANDOM).sha256() : target.content().sha256();
                    try (InputStream in = Files.newInputStream(p)) {
                        assertThat(Content.sha256(in)).as("content of %s", what).isEqualTo(want);
                    }
                    Object ino = a.get("ino");
                    Object prev = inodeOfGroup.putIfAbsent(x.path(), ino);
                    if (prev != null) assertThat(ino).as("hardlink inode of %s", what).isEqualTo(prev);
                    assertThat((Integer) a.get("nlink")).as("nlink of %s", what).isEqualTo(namesPerGroup.get(x.path()));
                }
                case SYMLINK -> assertThat(Files.readSymbolicLink(p).toString()).as("target of %s", what).isEqualTo(x.linkTarget());
                case CHAR_DEVICE, BLOCK_DEVICE -> {
                    long rdev = (Long) a.get("rdev");
                    long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
                    long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
                    assertThat(major).as("major of %s", what).isEqualTo(x.devMajor());
                    assertThat(minor).as("minor of %s", what).isEqualTo(x.devMinor());
                }
                case DIRECTORY -> {
                    long subdirs = view.keySet().stream().filter(k -> !k.isEmpty() && path.equals(parentOf(k))
                            && view.get(k).entry().type() == EntryType.DIRECTORY).count();
                    assertThat((Integer) a.get("nlink")).as("nlink of %s", what).isEqualTo((int) (2 + subdirs));
                }
                default -> { }
            }
            Map<String, byte[]> got = xattrs.getOrDefault(path, Map.of());
            assertThat(hexMap(got)).as("xattrs of %s", what).isEqualTo(hexMap(x.xattrs()));
        }
    }

    /** Checks what fsck.erofs --extract reproduces: names, types, permissions, data, symlink targets. */
    void verifyExtracted(Path root) throws IOException {
        Map<String, Item> view = expected();
        assertThat(listPaths(root)).as("paths extracted").containsExactlyInAnyOrderElementsOf(view.keySet());
        for (var e : view.entrySet()) {
            Item target = resolve(view, e.getValue());
            ErofsEntry x = target.entry();
            Path p = e.getKey().isEmpty() ? root : root.resolve(e.getKey());
            Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            String what = e.getKey() + " (" + x.type() + ")";
            assertThat(mode & 0170000).as("type of %s", what).isEqualTo(typeBits(x.type()));
            if (x.type() != EntryType.SYMLINK && !e.getKey().isEmpty()) {
                // fsck.erofs 1.5 restores only the 0777 bits (setuid/setgid/sticky are checked via mount)
                assertThat(mode & 0777).as("mode of %s", what).isEqualTo(x.permissions() & 0777);
            }
            if (x.type() == EntryType.FILE) {
                String want = target.content() == null ? Content.of(0, 0, Content.Kind.RANDOM).sha256() : target.content().sha256();
                try (InputStream in = Files.newInputStream(p)) {
                    assertThat(Content.sha256(in)).as("content of %s", what).isEqualTo(want);
                }
            }
            if (x.type() == EntryType.SYMLINK) {
                assertThat(Files.readSymbolicLink(p).toString()).as("target of %s", what).isEqualTo(x.linkTarget());
            }
        }
    }

    private static Map<String, String> hexMap(Map<String, byte[]> m) {
        Map<String, String> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, java.util.HexFormat.of().formatHex(v)));
        return out;
    }

    static List<String> listPaths(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            List<String> out = new ArrayList<>();
            s.forEach(p -> out.add(p.equals(root) ? "" : root.relativize(p).toString()));
            return new ArrayList<>(new TreeSet<>(out));
        }
    }

    static int typeBits(EntryType t) {
        return switch (t) {
            case FILE, HARDLINK -> 0100000;
            case DIRECTORY -> 0040000;
            case SYMLINK -> 0120000;
            case CHAR_DEVICE -> 0020000;
            case BLOCK_DEVICE -> 0060000;
            case FIFO -> 0010000;
            case SOCKET -> 0140000;
        };
    }
}
