package dev.shed.core.cache;

import dev.shed.core.materialize.LegacyCache;
import dev.shed.core.materialize.LowerRecord;
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
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Lists cache/: &lt;hex&gt;.erofs lowers in cache/sha256/ (with their &lt;hex&gt;.erofs.json parameter record),
 * legacy &lt;hex&gt;.ext4 files, the layers' data devices in cache/layers/sha256/ (&lt;layer-hex&gt;.&lt;key&gt;.erofsdev
 * and its .idx), and anything else in either directory (crash leftovers, accounted as temp).
 */
public final class CacheDir {
    private final StoreLayout layout;
    private final Usage usage;

    public CacheDir(StoreLayout layout) {
        this.layout = layout;
        this.usage = new Usage(layout);
    }

    /** cache/layers/sha256/: where the layers' data devices live. */
    public static Path devicesDir(StoreLayout layout) {
        return layout.layerDevicesDir();
    }

    public List<CachedLower> lowers() throws IOException {
        List<CachedLower> out = new ArrayList<>();
        for (Path p : files(layout.cacheDir())) {
            String name = p.getFileName().toString();
            if (!name.endsWith(".erofs")) continue;
            String hex = name.substring(0, name.length() - ".erofs".length());
            if (!Digest.isValid("sha256:" + hex)) continue;
            Digest d = new Digest(hex);
            try {
                long bytes = Files.size(p) + sizeOrZero(layout.erofsLowerRecord(d));
                Instant used = usage.lastUsed(d).orElse(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant());
                out.add(new CachedLower(CachedLower.Kind.EROFS, d, p, bytes, used, devicesOf(d)));
            } catch (NoSuchFileException gone) {
                // evicted while we looked
            }
        }
        for (LegacyCache.Ext4File f : new LegacyCache(layout).list()) {
            if (!StoreDirs.isRegularFile(f.path())) continue; // a symlink: a stray
            try {
                out.add(new CachedLower(CachedLower.Kind.LEGACY_EXT4, f.layer(), f.path(), f.size(),
                        Files.getLastModifiedTime(f.path()).toInstant(), List.of()));
            } catch (NoSuchFileException gone) {
                // evicted while we looked
            }
        }
        return out;
    }

    /** The record beside a lower, if present and readable. */
    public Optional<LowerRecord> record(Digest manifest) {
        try {
            return Optional.ofNullable(LowerRecord.parse(Files.readAllBytes(layout.erofsLowerRecord(manifest))));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * The data devices a lower's record lists (absolute, mount order); empty for a flat lower, a missing or
     * unreadable record, or a record naming a path outside cache/layers/sha256 (damaged or hostile; never served):
     * lifecycle never counts, keeps or deletes anything there on a record's word.
     */
    public List<Path> devicesOf(Digest manifest) {
        Optional<LowerRecord> r = record(manifest);
        if (r.isEmpty() || !r.get().shared()) return List.of();
        try {
            return r.get().devicePaths(layout);
        } catch (IllegalArgumentException outsideTheDeviceDir) {
            return List.of();
        }
    }

    /** Every data device (files named {@code <layer-hex>.<key>.erofsdev}), with its index's bytes. */
    public List<DataDevice> devices() throws IOException {
        List<DataDevice> out = new ArrayList<>();
        for (Path p : files(devicesDir(layout))) {
            Optional<DataDevice> d = parseDevice(p);
            if (d.isEmpty()) continue;
            try {
                out.add(new DataDevice(d.get().layer(), d.get().key(), p, Files.size(p) + sizeOrZero(DataDevice.index(p))));
            } catch (NoSuchFileException gone) {
                // removed while we looked
            }
        }
        return out;
    }

    /** A device named by its file name (size 0: not measured), or empty when the name is not a device's. */
    public static Optional<DataDevice> parseDevice(Path p) {
        String name = p.getFileName().toString();
        if (!name.endsWith(DataDevice.SUFFIX)) return Optional.empty();
        int dot = name.indexOf('.');
        if (dot != 64 || !Digest.isValid("sha256:" + name.substring(0, dot))) return Optional.empty();
        String key = name.substring(dot + 1, name.length() - DataDevice.SUFFIX.length());
        if (key.isEmpty()) return Optional.empty();
        return Optional.of(new DataDevice(new Digest(name.substring(0, dot)), key, p, 0));
    }

    /**
     * Files in cache/sha256/ that are neither a lower, its record, nor a legacy ext4, files in cache/layers/sha256/
     * that are neither a device nor the index of a present device (temp files of a crash), and every symlink in
     * either: a link is never served as a lower or device nor read as a record, whatever its name.
     */
    public List<Path> strays() throws IOException {
        List<Path> out = new ArrayList<>();
        out.addAll(links(layout.cacheDir()));
        out.addAll(links(devicesDir(layout)));
        for (Path p : files(layout.cacheDir())) {
            String name = p.getFileName().toString();
            int dot = name.indexOf('.');
            String hex = dot < 0 ? name : name.substring(0, dot);
            String suffix = dot < 0 ? "" : name.substring(dot);
            boolean known = Digest.isValid("sha256:" + hex)
                    && (suffix.equals(".erofs") || suffix.equals(".ext4") || suffix.equals(".erofs.json"));
            if (known && suffix.equals(".erofs.json") && !StoreDirs.isRegularFile(layout.erofsLower(new Digest(hex)))) known = false;
            if (!known) out.add(p);
        }
        for (Path p : files(devicesDir(layout))) {
            String name = p.getFileName().toString();
            boolean known = parseDevice(p).isPresent()
                    || name.endsWith(DataDevice.INDEX_SUFFIX)
                    && parseDevice(p.resolveSibling(name.substring(0, name.length() - ".idx".length()))).isPresent()
                    && StoreDirs.isRegularFile(p.resolveSibling(name.substring(0, name.length() - ".idx".length())));
            if (!known) out.add(p);
        }
        out.sort(null);
        return out;
    }

    /** The regular files of a cache directory (not symlinks to files); a symlinked directory is an error. */
    private List<Path> files(Path dir) throws IOException {
        return entries(dir).stream().filter(StoreDirs::isRegularFile).toList();
    }

    private List<Path> links(Path dir) throws IOException {
        return entries(dir).stream().filter(Files::isSymbolicLink).toList();
    }

    private List<Path> entries(Path dir) throws IOException {
        if (!StoreDirs.exists(layout, dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
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
