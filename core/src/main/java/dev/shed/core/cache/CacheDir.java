package dev.shed.core.cache;

import dev.shed.core.materialize.LegacyCache;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Lists cache/sha256/: &lt;hex&gt;.erofs lowers (with their &lt;hex&gt;.erofs.json parameter record),
 * legacy &lt;hex&gt;.ext4 files, and anything else (crash leftovers, accounted as temp).
 */
public final class CacheDir {
    private final StoreLayout layout;
    private final Usage usage;

    public CacheDir(StoreLayout layout) {
        this.layout = layout;
        this.usage = new Usage(layout);
    }

    public List<CachedLower> lowers() throws IOException {
        List<CachedLower> out = new ArrayList<>();
        for (Path p : files()) {
            String name = p.getFileName().toString();
            if (!name.endsWith(".erofs")) continue;
            String hex = name.substring(0, name.length() - ".erofs".length());
            if (!Digest.isValid("sha256:" + hex)) continue;
            Digest d = new Digest(hex);
            try {
                long bytes = Files.size(p) + sizeOrZero(layout.erofsLowerRecord(d));
                Instant used = usage.lastUsed(d).orElse(Files.getLastModifiedTime(p).toInstant());
                out.add(new CachedLower(CachedLower.Kind.EROFS, d, p, bytes, used));
            } catch (NoSuchFileException gone) {
                // evicted while we looked
            }
        }
        for (LegacyCache.Ext4File f : new LegacyCache(layout).list()) {
            try {
                out.add(new CachedLower(CachedLower.Kind.LEGACY_EXT4, f.layer(), f.path(), f.size(),
                        Files.getLastModifiedTime(f.path()).toInstant()));
            } catch (NoSuchFileException gone) {
                // evicted while we looked
            }
        }
        return out;
    }

    /** Files in cache/sha256/ that are neither a lower, its record, nor a legacy ext4 (e.g. temp files). */
    public List<Path> strays() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : files()) {
            String name = p.getFileName().toString();
            int dot = name.indexOf('.');
            String hex = dot < 0 ? name : name.substring(0, dot);
            String suffix = dot < 0 ? "" : name.substring(dot);
            boolean known = Digest.isValid("sha256:" + hex)
                    && (suffix.equals(".erofs") || suffix.equals(".ext4") || suffix.equals(".erofs.json"));
            if (known && suffix.equals(".erofs.json") && !Files.exists(layout.erofsLower(new Digest(hex)))) known = false;
            if (!known) out.add(p);
        }
        return out;
    }

    private List<Path> files() throws IOException {
        if (!Files.isDirectory(layout.cacheDir())) return List.of();
        try (Stream<Path> s = Files.list(layout.cacheDir())) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    static long sizeOrZero(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
