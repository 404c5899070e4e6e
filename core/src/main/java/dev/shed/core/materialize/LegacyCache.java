package dev.shed.core.materialize;

import dev.shed.core.oci.Digest;
import dev.shed.core.store.StoreLayout;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds the per-layer {@code cache/sha256/<layer-hex>.ext4} files of shed v0.5.0. They are derived data: listed
 * and sized for accounting and pruning, never served as a lower (only {@code <manifest-hex>.erofs} with a current
 * record is).
 */
public final class LegacyCache {
    private static final Pattern EXT4 = Pattern.compile("[0-9a-f]{64}\\.ext4");

    /** One legacy file: the layer it was made from, where it is, its size. */
    public record Ext4File(Digest layer, Path path, long size) {}

    private final StoreLayout layout;

    public LegacyCache(StoreLayout layout) {
        this.layout = layout;
    }

    public List<Ext4File> list() throws IOException {
        List<Ext4File> out = new ArrayList<>();
        if (!Files.isDirectory(layout.cacheDir())) return out;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(layout.cacheDir())) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!EXT4.matcher(name).matches()) continue;
                try {
                    out.add(new Ext4File(new Digest(name.substring(0, 64)), p, Files.size(p)));
                } catch (NoSuchFileException gone) {
                    // removed concurrently
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Ext4File::layer));
        return out;
    }

    public long totalBytes() throws IOException {
        long t = 0;
        for (Ext4File f : list()) t += f.size();
        return t;
    }
}
