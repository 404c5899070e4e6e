package dev.shed.core.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes layer tars by hand for tests, entry by entry and in the exact order given, so tests can build cases no
 * image builder would (whiteouts after their siblings, hostile paths, hardlinks to replaced files).
 */
public final class TarLayerBuilder {
    private final List<TarArchiveEntry> entries = new ArrayList<>();
    private final List<byte[]> contents = new ArrayList<>();
    private long mtime = 1_700_000_000L;

    public TarLayerBuilder mtime(long epochSeconds) {
        this.mtime = epochSeconds;
        return this;
    }

    public TarLayerBuilder dir(String path) {
        return dir(path, 0755);
    }

    public TarLayerBuilder dir(String path, int mode) {
        TarArchiveEntry e = entry(path.endsWith("/") ? path : path + "/", TarConstants.LF_DIR);
        e.setMode(040000 | mode);
        return add(e, null);
    }

    public TarLayerBuilder file(String path, String content) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    public TarLayerBuilder file(String path, byte[] content, int mode) {
        return file(path, content, mode, e -> {});
    }

    /** A regular file; {@code customise} may set owner, mtime, PAX headers (e.g. SCHILY.xattr.*). */
    public TarLayerBuilder file(String path, byte[] content, int mode, Consumer<TarArchiveEntry> customise) {
        TarArchiveEntry e = entry(path, TarConstants.LF_NORMAL);
        e.setMode(0100000 | mode);
        e.setSize(content.length);
        customise.accept(e);
        return add(e, content);
    }

    public TarLayerBuilder symlink(String path, String target) {
        TarArchiveEntry e = entry(path, TarConstants.LF_SYMLINK);
        e.setLinkName(target);
        e.setMode(0120777);
        return add(e, null);
    }

    public TarLayerBuilder hardlink(String path, String target) {
        TarArchiveEntry e = entry(path, TarConstants.LF_LINK);
        e.setLinkName(target);
        e.setMode(0100644);
        return add(e, null);
    }

    public TarLayerBuilder charDevice(String path, int major, int minor) {
        return device(path, TarConstants.LF_CHR, 020000, major, minor);
    }

    public TarLayerBuilder blockDevice(String path, int major, int minor) {
        return device(path, TarConstants.LF_BLK, 060000, major, minor);
    }

    public TarLayerBuilder fifo(String path) {
        TarArchiveEntry e = entry(path, TarConstants.LF_FIFO);
        e.setMode(010644);
        return add(e, null);
    }

    /** {@code dir/.wh.name}: deletes {@code dir/name} from lower layers. */
    public TarLayerBuilder whiteout(String path) {
        int slash = path.lastIndexOf('/');
        String wh = slash < 0 ? ".wh." + path : path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
        return file(wh, new byte[0], 0644);
    }

    /** {@code dir/.wh..wh..opq}: hides every lower child of {@code dir}. */
    public TarLayerBuilder opaque(String dir) {
        return file(dir + "/.wh..wh..opq", new byte[0], 0644);
    }

    /** Adds a fully custom entry (hostile names, odd types). */
    public TarLayerBuilder raw(TarArchiveEntry e, byte[] content) {
        return add(e, content);
    }

    private TarLayerBuilder device(String path, byte type, int typeBits, int major, int minor) {
        TarArchiveEntry e = entry(path, type);
        e.setMode(typeBits | 0644);
        e.setDevMajor(major);
        e.setDevMinor(minor);
        return add(e, null);
    }

    private TarArchiveEntry entry(String path, byte type) {
        TarArchiveEntry e = new TarArchiveEntry(path, type, true);
        e.setModTime(mtime * 1000);
        return e;
    }

    private TarLayerBuilder add(TarArchiveEntry e, byte[] content) {
        entries.add(e);
        contents.add(content);
        return this;
    }

    /** The uncompressed tar (PAX headers where needed). */
    public byte[] tar() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bos)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            out.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (int i = 0; i < entries.size(); i++) {
                out.putArchiveEntry(entries.get(i));
                if (contents.get(i) != null) out.write(contents.get(i));
                out.closeArchiveEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    public byte[] gzip() {
        return gzip(tar());
    }

    public byte[] zstd() {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZstdOutputStream z = new ZstdOutputStream(bos)) {
            z.write(tar());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bos)) {
            g.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }
}
