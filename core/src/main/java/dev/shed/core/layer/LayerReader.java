package dev.shed.core.layer;

import com.github.luben.zstd.ZstdInputStream;
import dev.shed.core.oci.MediaType;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.io.input.ReadAheadInputStream;

/**
 * Streams the entries of one layer blob (tar, tar+gzip incl. multi-member, tar+zstd; OCI and Docker media types)
 * as {@link ErofsEntry} values with normalised paths. File data is read from {@link #data()} while the entry is
 * current; nothing is buffered beyond one entry's headers. Whiteout markers come through as ordinary files (the
 * merge interprets them). Any malformation becomes a {@link LayerFormatException} naming layer and entry.
 *
 * <p>Tar semantics come from commons-compress (ustar, PAX incl. mtime with nanoseconds and large uid/gid, GNU long
 * names/links, base-256 numbers, GNU/PAX sparse files expanded with zeros); PAX xattr values are re-read from the
 * raw header bytes so binary values (security.capability) survive.
 */
public final class LayerReader implements AutoCloseable {
    /** Each of the two read-ahead buffers: large enough that hand-overs between the threads are rare. */
    private static final int READ_AHEAD_BYTES = 1 << 20;

    private final LayerBlob layer;
    private final InputStream compressed;
    private final RecordingTap tap;
    private final TarArchiveInputStream tar;
    private TarArchiveEntry current;
    private String currentName;
    private final InputStream data = new EntryData();
    /** Bytes of the current entry's data read so far (by the consumer and the drain). */
    private long dataRead;
    /** Raw bytes of the current entry's headers, for exact PAX values. */
    private byte[] lastRawHeaders;

    private LayerReader(LayerBlob layer, InputStream compressed, RecordingTap tap, TarArchiveInputStream tar) {
        this.layer = layer;
        this.compressed = compressed;
        this.tap = tap;
        this.tar = tar;
    }

    /** Opens {@code layer}; {@code counter} (may be null) sees the compressed bytes, for progress. */
    public static LayerReader open(LayerBlob layer, java.util.function.LongConsumer counter) throws IOException {
        MediaType.Compression compression;
        try {
            compression = MediaType.layerCompression(layer.descriptor().mediaType());
        } catch (IllegalArgumentException e) {
            throw new LayerFormatException(layer.digest(), null, e.getMessage());
        }
        InputStream raw = new BufferedInputStream(layer.open(), 1 << 16);
        if (counter != null) raw = new CountingStream(raw, counter);
        InputStream plain;
        try {
            switch (compression) {
                case GZIP: plain = readAhead(new GZIPInputStream(raw, 1 << 16)); break;
                case ZSTD: plain = readAhead(new ZstdInputStream(raw)); break;
                default: plain = raw; break;
            }
        } catch (IOException e) {
            raw.close();
            throw new LayerFormatException(layer.digest(), null, "not a valid " + compression.name().toLowerCase() + " stream: " + e.getMessage(), e);
        }
        RecordingTap tap = new RecordingTap(plain);
        TarArchiveInputStream tar = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name());
        return new LayerReader(layer, raw, tap, tar);
    }

    /**
     * Decompresses on a helper thread, a buffer ahead of the tar parser: inflating is the biggest single cost of
     * reading a layer (gzip: about as much CPU as the whole merge), and this takes it off the thread that
     * parses, merges and feeds the EROFS writer. Errors surface on the reader's side, in stream order.
     */
    private static InputStream readAhead(InputStream decompressed) throws IOException {
        return ReadAheadInputStream.builder().setInputStream(decompressed).setBufferSize(READ_AHEAD_BYTES).get();
    }

    /** The next entry, or null at the end of the layer. Unread data of the previous entry is skipped. */
    public ErofsEntry next() throws IOException {
        String where = currentName;
        try {
            if (current != null) {
                drainCurrent();
            }
            tap.startRecording();
            TarArchiveEntry e;
            try {
                e = tar.getNextEntry();
            } catch (IOException endWithoutTrailer) {
                // Some writers (umoci 0.4's insert, for one) end the tar right after the last entry's data, with
                // no padding and no end blocks. Go's reader accepts that; so do we, but only when every entry's
                // data was complete and the stream really ended (a cut inside data is still an error).
                if (tap.atEof() && "Truncated TAR archive".equals(endWithoutTrailer.getMessage())) {
                    currentName = null;
                    current = null;
                    return null;
                }
                throw endWithoutTrailer;
            } finally {
                lastRawHeaders = tap.stopRecording();
                current = null;
            }
            if (e == null) {
                currentName = null;
                return null;
            }
            current = e;
            dataRead = 0;
            currentName = e.getName();
            where = currentName;
            return convert(e);
        } catch (LayerFormatException ex) {
            throw ex;
        } catch (RecordingTap.HeaderTooLargeException ex) {
            throw new LayerFormatException(layer.digest(), where, ex.getMessage() + " (after this entry)");
        } catch (EOFException | ZipException ex) {
            throw new LayerFormatException(layer.digest(), where, "truncated or corrupt stream: " + ex.getMessage(), ex);
        } catch (IOException | IllegalArgumentException ex) {
            throw new LayerFormatException(layer.digest(), where, "malformed tar: " + ex.getMessage(), ex);
        }
    }

    /** The current file entry's data: exactly its (expanded) size, then EOF. Not to be closed by consumers. */
    public InputStream data() {
        return data;
    }

    /** The raw tar name of the current entry (for messages). */
    public String currentName() {
        return currentName;
    }

    /** Reads what the consumer left of the current entry; a short entry is a truncated layer. */
    private void drainCurrent() throws IOException {
        byte[] buf = new byte[65536];
        int n;
        while ((n = tar.read(buf, 0, buf.length)) >= 0) dataRead += n;
        long expected = current.isFile() && !current.isLink() ? (current.isSparse() ? current.getRealSize() : current.getSize()) : dataRead;
        if (dataRead != expected) {
            throw new EOFException("entry data ended after " + dataRead + " of " + expected + " bytes");
        }
    }

    private ErofsEntry convert(TarArchiveEntry e) throws IOException {
        String name = e.getName();
        String path;
        try {
            path = EntryPaths.normalise(name);
        } catch (IllegalArgumentException ex) {
            throw new LayerFormatException(layer.digest(), name, ex.getMessage());
        }
        EntryType type = typeOf(e, name);
        ErofsEntry.Builder b = ErofsEntry.builder(path, type)
                .permissions(e.getMode() & 07777)
                .owner(e.getLongUserId(), e.getLongGroupId());
        Instant t = e.getLastModifiedTime() == null ? Instant.EPOCH : e.getLastModifiedTime().toInstant();
        b.mtime(t.getEpochSecond(), t.getNano());
        switch (type) {
            case FILE:
                long size = e.isSparse() ? e.getRealSize() : e.getSize();
                if (size < 0) throw new LayerFormatException(layer.digest(), name, "negative size");
                b.size(size);
                break;
            case SYMLINK:
                if (e.getLinkName() == null || e.getLinkName().isEmpty()) {
                    throw new LayerFormatException(layer.digest(), name, "symlink without a target");
                }
                b.linkTarget(e.getLinkName());
                break;
            case HARDLINK:
                try {
                    String target = EntryPaths.normalise(e.getLinkName() == null ? "" : e.getLinkName());
                    if (target.isEmpty()) throw new IllegalArgumentException("hardlink without a target");
                    b.linkTarget(target);
                } catch (IllegalArgumentException ex) {
                    throw new LayerFormatException(layer.digest(), name, "hardlink target '" + e.getLinkName() + "': " + ex.getMessage());
                }
                break;
            case CHAR_DEVICE:
            case BLOCK_DEVICE:
                b.device(e.getDevMajor(), e.getDevMinor());
                break;
            default:
                break;
        }
        xattrs(e, name).forEach(b::xattr);
        return b.build();
    }

    private EntryType typeOf(TarArchiveEntry e, String name) throws LayerFormatException {
        if (e.isLink()) return EntryType.HARDLINK;
        if (e.isSymbolicLink()) return EntryType.SYMLINK;
        if (e.isDirectory()) return EntryType.DIRECTORY;
        if (e.isCharacterDevice()) return EntryType.CHAR_DEVICE;
        if (e.isBlockDevice()) return EntryType.BLOCK_DEVICE;
        if (e.isFIFO()) return EntryType.FIFO;
        if (e.isFile()) return EntryType.FILE;
        throw new LayerFormatException(layer.digest(), name, "unsupported tar entry type (not a file, directory, link, device or fifo)");
    }

    /** SCHILY.xattr.NAME (raw bytes) and LIBARCHIVE.xattr.NAME (URL-encoded name, base64 value). */
    private SortedMap<String, byte[]> xattrs(TarArchiveEntry e, String name) throws LayerFormatException {
        SortedMap<String, byte[]> out = new TreeMap<>();
        // From the raw records, not commons-compress's map: that one drops empty values (an empty xattr, which GNU
        // tar and shed write as "SCHILY.xattr.NAME=") and decodes the rest as UTF-8. Cheap: the raw bytes of the
        // entry's headers are already in memory, and without an 'x' header the scan stops at the first block.
        for (Map.Entry<String, byte[]> r : RawPaxHeaders.parse(lastRawHeaders, tap.recordingStart()).entrySet()) {
            if (r.getKey().startsWith("SCHILY.xattr.")) out.put(r.getKey().substring("SCHILY.xattr.".length()), r.getValue());
        }
        for (Map.Entry<String, String> h : e.getExtraPaxHeaders().entrySet()) {
            String key = h.getKey();
            if (key.startsWith("SCHILY.xattr.")) {
                // not in the entry's own 'x' header (a global 'g' one, which commons-compress merges in)
                out.putIfAbsent(key.substring("SCHILY.xattr.".length()), h.getValue().getBytes(StandardCharsets.UTF_8));
            } else if (key.startsWith("LIBARCHIVE.xattr.")) {
                String xname = java.net.URLDecoder.decode(key.substring("LIBARCHIVE.xattr.".length()), StandardCharsets.UTF_8);
                try {
                    out.put(xname, Base64.getDecoder().decode(h.getValue().replace("=", "")));
                } catch (IllegalArgumentException ex) {
                    throw new LayerFormatException(layer.digest(), name, "bad base64 in " + key);
                }
            }
        }
        for (String k : out.keySet()) {
            if (k.isEmpty() || !k.contains(".")) throw new LayerFormatException(layer.digest(), name, "xattr name without a namespace: '" + k + "'");
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        try {
            tar.close();
        } finally {
            compressed.close();
        }
    }

    /** Data of the current entry; wraps truncation as a {@link LayerFormatException}. */
    private final class EntryData extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                int n = tar.read(b, off, len);
                if (n > 0) dataRead += n;
                return n;
            } catch (LayerFormatException ex) {
                throw ex;
            } catch (IOException | IllegalArgumentException ex) {
                throw new LayerFormatException(layer.digest(), currentName, "truncated or corrupt data: " + ex.getMessage(), ex);
            }
        }

        @Override
        public void close() {
            // the layer reader owns the stream
        }
    }

    /** Counts compressed bytes as they are read. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private final java.util.function.LongConsumer counter;

        CountingStream(InputStream in, java.util.function.LongConsumer counter) {
            super(in);
            this.counter = counter;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) counter.accept(1);
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) counter.accept(n);
            return n;
        }
    }
}
