package dev.shed.core.image.archive;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A tar archive read with random access (commons-compress {@link TarFile}), so blobs can be read in whatever order
 * the index needs. Entry names are normalised ("./blobs/x" → "blobs/x"); symlinks and hardlinks to other entries
 * are followed once (docker save links repeated layers).
 */
final class TarFiles implements ArchiveFiles {
    private final Path source;
    private final Path unpacked;
    private final TarFile tar;
    private final Map<String, TarArchiveEntry> entries = new HashMap<>();

    private TarFiles(Path source, Path unpacked, TarFile tar) {
        this.source = source;
        this.unpacked = unpacked;
        this.tar = tar;
        for (TarArchiveEntry e : tar.getEntries()) entries.put(normalise(e.getName()), e);
    }

    static TarFiles open(Path source, Path scratch) throws IOException {
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(source)) {
            n = in.readNBytes(magic, 0, 4);
        }
        Path plain = source;
        Path unpacked = null;
        boolean gzip = n >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b;
        boolean zstd = n == 4 && (magic[0] & 0xff) == 0x28 && (magic[1] & 0xff) == 0xb5 && (magic[2] & 0xff) == 0x2f && (magic[3] & 0xff) == 0xfd;
        if (gzip || zstd) {
            Files.createDirectories(scratch);
            unpacked = Files.createTempFile(scratch, "archive-", ".tar");
            try (InputStream raw = new BufferedInputStream(Files.newInputStream(source), 1 << 16);
                 InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : new ZstdInputStream(raw)) {
                Files.copy(in, unpacked, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                Files.deleteIfExists(unpacked);
                throw new IllegalArgumentException(source + ": not a readable " + (gzip ? "gzip" : "zstd") + " archive: " + e.getMessage());
            }
            plain = unpacked;
        }
        try {
            TarFile tar = new TarFile(plain);
            if (tar.getEntries().isEmpty()) throw new IOException("no entries");
            return new TarFiles(source, unpacked, tar);
        } catch (IOException | RuntimeException e) {
            if (unpacked != null) Files.deleteIfExists(unpacked);
            throw new IllegalArgumentException(source + ": not a tar archive or OCI layout directory (" + e.getMessage() + ")");
        }
    }

    static String normalise(String name) {
        String s = name;
        while (s.startsWith("./")) s = s.substring(2);
        while (s.startsWith("/")) s = s.substring(1);
        if (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return s;
    }

    private TarArchiveEntry entry(String path) throws NoSuchFileException {
        TarArchiveEntry e = entries.get(normalise(path));
        for (int hops = 0; e != null && (e.isLink() || e.isSymbolicLink()) && hops < 8; hops++) {
            String target = e.getLinkName();
            if (e.isSymbolicLink() && !target.startsWith("/")) {
                String p = normalise(path);
                int slash = p.lastIndexOf('/');
                target = (slash < 0 ? "" : p.substring(0, slash + 1)) + target;
                target = java.nio.file.Path.of("/", target).normalize().toString();
            }
            path = normalise(target);
            e = entries.get(path);
        }
        if (e == null || !e.isFile()) throw new NoSuchFileException(source + "!" + path);
        return e;
    }

    @Override
    public String describe() {
        return source.toString();
    }

    @Override
    public boolean exists(String path) {
        try {
            entry(path);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    @Override
    public long size(String path) throws IOException {
        return entry(path).getSize();
    }

    @Override
    public InputStream open(String path) throws IOException {
        return tar.getInputStream(entry(path));
    }

    @Override
    public void close() throws IOException {
        try {
            tar.close();
        } finally {
            if (unpacked != null) Files.deleteIfExists(unpacked);
        }
    }
}
