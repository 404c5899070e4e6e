package dev.shed.erofs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Property test: seeded random trees (long names, sizes near block edges, xattrs, hardlinks) through the kernel. */
class RandomTreesTest {
    private static final Compression[] MODES = Compression.values();

    static TreeSpec randomTree(long seed) {
        Random r = new Random(seed);
        TreeSpec t = new TreeSpec(r.nextInt(2) == 0 ? 0 : 1_700_000_000L);
        List<String> dirs = new ArrayList<>(List.of(""));
        List<String> files = new ArrayList<>();
        java.util.Set<String> used = new java.util.HashSet<>();
        int count = 20 + r.nextInt(60);
        for (int i = 0; i < count; i++) {
            String parent = dirs.get(r.nextInt(dirs.size()));
            String name = randomName(r);
            String path = parent.isEmpty() ? name : parent + "/" + name;
            if (!used.add(path)) continue;
            long mtime = r.nextInt(4) == 0 ? t.buildTime : 1_000_000_000L + r.nextInt(1_000_000_000);
            int nanos = mtime == t.buildTime ? 0 : r.nextInt(1_000_000_000);
            long uid = r.nextInt(5) == 0 ? 70_000 + r.nextInt(1000) : r.nextInt(2000);
            int kind = r.nextInt(10);
            ErofsEntry.Builder b;
            if (kind < 2) {
                b = ErofsEntry.builder(path, EntryType.DIRECTORY).permissions(0700 | r.nextInt(0100));
                dirs.add(path);
            } else if (kind < 3) {
                b = ErofsEntry.builder(path, EntryType.SYMLINK).linkTarget("t".repeat(1 + r.nextInt(r.nextBoolean() ? 50 : 4000)));
            } else if (kind < 4 && !files.isEmpty()) {
                t.add(ErofsEntry.builder(path, EntryType.HARDLINK).linkTarget(files.get(r.nextInt(files.size()))).build());
                continue;
            } else {
                long size = randomSize(r);
                b = ErofsEntry.builder(path, EntryType.FILE).size(size).permissions(r.nextInt(010000));
                if (r.nextBoolean()) b.xattr("user.k" + r.nextInt(3), ("v" + r.nextInt(3)).getBytes(StandardCharsets.UTF_8));
                if (r.nextInt(4) == 0) b.xattr("trusted.big", new byte[r.nextInt(2000)]);
                b.owner(uid, r.nextInt(3000)).mtime(mtime, nanos);
                t.file(b.build(), Content.of(size, r.nextLong(), Content.Kind.values()[r.nextInt(3)]));
                files.add(path);
                continue;
            }
            if (r.nextInt(3) == 0) b.xattr("security.s" + r.nextInt(2), "x".repeat(r.nextInt(100)).getBytes());
            t.add(b.owner(uid, r.nextInt(3000)).mtime(mtime, nanos).build());
        }
        return t;
    }

    private static long randomSize(Random r) {
        return switch (r.nextInt(4)) {
            case 0 -> r.nextInt(100);
            case 1 -> Math.max(0, 4096L * (1 + r.nextInt(4)) + r.nextInt(9) - 4);
            case 2 -> r.nextInt(40_000);
            default -> 4096L * r.nextInt(300) + r.nextInt(4096);
        };
    }

    private static String randomName(Random r) {
        int len = r.nextInt(8) == 0 ? 200 + r.nextInt(56) : 1 + r.nextInt(20);
        StringBuilder sb = new StringBuilder();
        String alphabet = "abcXYZ019-_.~ é";
        while (sb.toString().getBytes(StandardCharsets.UTF_8).length < len) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        String s = sb.toString();
        while (s.getBytes(StandardCharsets.UTF_8).length > 255) s = s.substring(0, s.length() - 1);
        if (s.equals(".") || s.equals("..")) s = "dot" + s;
        return s;
    }

    @Test
    void thirtyRandomTreesMountIdentically(@TempDir Path tmp) throws Exception {
        for (int i = 0; i < 30; i++) {
            TreeSpec t = randomTree(1000 + i);
            Path img = tmp.resolve("r" + i + ".erofs");
            t.write(img, ErofsOptions.builder().compression(MODES[i % MODES.length]).buildTime(t.buildTime)
                    .compactIndexes(i % 2 == 0).build());
            try (ErofsReaders.Mount m = ErofsReaders.mount(img, tmp.resolve("mnt"))) {
                t.verifyMounted(m.dir);
            } catch (AssertionError e) {
                throw new AssertionError("random tree seed " + (1000 + i) + ": " + e.getMessage(), e);
            }
            java.nio.file.Files.delete(img);
        }
    }
}
