package dev.shed.core.cache;

import dev.shed.core.materialize.LegacyCache;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreDirs;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
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
                Instant used = usage.lastUsed(d).orElse(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant());
                out.add(new CachedLower(CachedLower.Kind.EROFS, d, p, bytes, used));
            } catch (NoSuchFileException gone) {
                // evicted while we looked
            }
        }
        for (LegacyCache.Ext4File f : new LegacyCache(layout).list()) {
            if (!StoreDirs.isRegularFile(f.path())) continue; // a symlink: a stray
            try {
                out.add(new CachedLower(CachedLower.Kind.LEGACY_EXT4, f.layer(), f.path(), f.size(),
                        Files.getLastModifiedTime(f.path()).toInstant()));
            } catch (NoSuchFileException gone) {
                // evicted while we looked
            }
        }
        return out;
    }

    /**
     * Files in cache/sha256/ that are neither a lower, its record, nor a legacy ext4 (e.g. temp files), and every
     * symlink there: a link is never served as a lower or read as a record, whatever its name.
     */
    public List<Path> strays() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : entries()) {
            if (Files.isSymbolicLink(p)) {
                out.add(p);
                continue;
            }
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
            String name = p.getFileName().toString();
            int dot = name.indexOf('.');
            String hex = dot < 0 ? name : name.substring(0, dot);
            String suffix = dot < 0 ? "" : name.substring(dot);
            boolean known = Digest.isValid("sha256:" + hex)
                    && (suffix.equals(".erofs") || suffix.equals(".ext4") || suffix.equals(".erofs.json"));
            if (known && suffix.equals(".erofs.json") && !StoreDirs.isRegularFile(layout.erofsLower(new Digest(hex)))) known = false;
            if (!known) out.add(p);
        }
        return out;
    }

    /** The regular files of cache/sha256/ (not symlinks to files). */
    private List<Path> files() throws IOException {
        return entries().stream().filter(StoreDirs::isRegularFile).toList();
    }

    private List<Path> entries() throws IOException {
        if (!StoreDirs.exists(layout, layout.cacheDir())) return List.of();
        try (Stream<Path> s = Files.list(layout.cacheDir())) {
            return s.sorted().toList();
        }
    }

    static long sizeOrZero(Path p) {
        try {
            return Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        } catch (IOException e) {
            return 0;
        }
    }
}
