package dev.shed.core.layer;

import com.github.luben.zstd.ZstdInputStream;
import dev.shed.core.oci.Digest;
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
    /** Replaced after a sparse entry read by {@link LargePaxSparse} (the old one is stuck inside that entry). */
    private TarArchiveInputStream tar;
    /** The current entry's data when {@link LargePaxSparse} read the entry; else null. */
    private LargePaxSparse.Data sparse;
    private TarArchiveEntry current;
    private String currentName;
    private final InputStream data = new EntryData();
    /** Bytes of the current entry's data read so far (by the consumer and the drain). */
    private long dataRead;
    /** Raw bytes of the current entry's headers, for exact PAX values. */
    private byte[] lastRawHeaders;
    /** The stored blob as read (digest and size checked at the end). */
    private final DigestingStream stored;
    /** The uncompressed tar as inflated, when a diff_id is to be checked for a compressed layer; else null. */
    private final DigestingStream uncompressed;
    private boolean verified;

    private LayerReader(LayerBlob layer, InputStream compressed, RecordingTap tap, TarArchiveInputStream tar,
                        DigestingStream stored, DigestingStream uncompressed) {
        this.layer = layer;
        this.compressed = compressed;
        this.tap = tap;
        this.tar = tar;
        this.stored = stored;
        this.uncompressed = uncompressed;
    }

    /**
     * Opens {@code layer}; {@code counter} (may be null) sees the compressed bytes, for progress. The blob's digest
     * and size, and the uncompressed tar's digest when the layer names one, are checked as the bytes go by and
     * judged when {@link #next()} reaches the end (or {@link #drain()} is called).
     */
    public static LayerReader open(LayerBlob layer, java.util.function.LongConsumer counter) throws IOException {
        MediaType.Compression compression;
        try {
            compression = MediaType.layerCompression(layer.descriptor().mediaType());
        } catch (IllegalArgumentException e) {
            throw new LayerFormatException(layer.digest(), null, e.getMessage());
        }
        if (layer.diffId() != null && compression == MediaType.Compression.NONE && !layer.diffId().equals(layer.digest())) {
            throw new LayerIntegrityException(layer.digest(), "the image config's rootfs.diff_ids names " + layer.diffId()
                    + ", but an uncompressed layer's diff_id is its own digest");
        }
        DigestingStream stored = new DigestingStream(layer.open());
        InputStream raw = new BufferedInputStream(stored, 1 << 16);
        if (counter != null) raw = new CountingStream(raw, counter);
        InputStream plain;
        DigestingStream uncompressed = null;
        try {
            InputStream inflated;
            switch (compression) {
                case GZIP: inflated = new GZIPInputStream(raw, 1 << 16); break;
                case ZSTD: inflated = new ZstdInputStream(raw); break;
                default: inflated = null; break;
            }
            if (inflated == null) {
                plain = raw;
            } else {
                // hashed on the read-ahead thread, beside the inflate
                if (layer.diffId() != null) inflated = uncompressed = new DigestingStream(inflated);
                plain = readAhead(inflated);
            }
        } catch (IOException e) {
            raw.close();
            throw explain(layer, new LayerFormatException(layer.digest(), null, "not a valid "
                    + compression.name().toLowerCase() + " stream: " + e.getMessage(), e));
        }
        RecordingTap tap = new RecordingTap(plain);
        TarArchiveInputStream tar = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name());
        return new LayerReader(layer, raw, tap, tar, stored, uncompressed);
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
            IOException failure = null;
            try {
                e = tar.getNextEntry();
            } catch (IOException ex) {
                failure = ex;
                e = null;
            } finally {
                lastRawHeaders = tap.stopRecording();
                current = null;
            }
            LargePaxSparse.Entry big = null;
            if (failure != null) {
                // Some writers (umoci 0.4's insert, for one) end the tar right after the last entry's data, with
                // no padding and no end blocks. Go's reader accepts that; so do we, but only when every entry's
                // data was complete and the stream really ended (a cut inside data is still an error).
                if (tap.atEof() && "Truncated TAR archive".equals(failure.getMessage())) {
                    currentName = null;
                    verifyEnd();
                    return null;
                }
                big = LargePaxSparse.detect(lastRawHeaders, tap.recordingStart());
                if (big == null) throw failure;
                e = big.entry();
                sparse = LargePaxSparse.data(big, tap);
            }
            if (e == null) {
                currentName = null;
                verifyEnd();
                return null;
            }
            current = e;
            dataRead = 0;
            currentName = e.getName();
            where = currentName;
            ErofsEntry converted = convert(e);
            if (big == null) return converted;
            return new ErofsEntry(converted.path(), converted.type(), converted.permissions(), converted.uid(), converted.gid(),
                    converted.mtimeSeconds(), converted.mtimeNanos(), big.realSize(), null, 0, 0, converted.xattrs());
        } catch (LayerFormatException ex) {
            throw explain(ex);
        } catch (RecordingTap.HeaderTooLargeException ex) {
            throw explain(new LayerFormatException(layer.digest(), where, ex.getMessage() + " (after this entry)"));
        } catch (EOFException | ZipException ex) {
            throw explain(new LayerFormatException(layer.digest(), where, "truncated or corrupt stream: " + ex.getMessage(), ex));
        } catch (IOException | IllegalArgumentException ex) {
            throw explain(new LayerFormatException(layer.digest(), where, "malformed tar: " + oneLine(ex.getMessage()), ex));
        }
    }

    /**
     * Reads the rest of the layer without parsing it and judges its digests: for a consumer that needs only part
     * of the entries but must not use them unless the whole layer is intact.
     */
    public void drain() throws IOException {
        try {
            if (current != null) {
                drainCurrent();
                current = null;
            }
            verifyEnd();
        } catch (LayerFormatException ex) {
            throw explain(ex);
        } catch (IOException ex) {
            throw explain(new LayerFormatException(layer.digest(), null, "truncated or corrupt stream: " + ex.getMessage(), ex));
        }
    }

    /**
     * The tar reader stops at the end blocks; the digests also cover what follows (record padding, the gzip
     * trailer), so everything is read before they are judged.
     */
    private void verifyEnd() throws IOException {
        if (verified) return;
        byte[] buf = new byte[1 << 16];
        while (tap.read(buf, 0, buf.length) >= 0) {
            // hashed below
        }
        stored.drain();
        verified = true;
        Digest actual = stored.digest();
        if (!actual.equals(layer.digest())) {
            throw blobMismatch(layer, actual);
        }
        long size = layer.descriptor().size();
        if (size >= 0 && stored.count() != size) {
            throw new LayerIntegrityException(layer.digest(), "the blob is " + stored.count() + " bytes, its descriptor says " + size);
        }
        if (uncompressed != null) {
            Digest tarDigest = uncompressed.digest();
            if (!tarDigest.equals(layer.diffId())) {
                throw new LayerIntegrityException(layer.digest(), "the uncompressed layer's digest is " + tarDigest
                        + ", but the image config's rootfs.diff_ids says " + layer.diffId());
            }
        }
    }

    /**
     * Explains a failure while reading: when the blob does not match its digest, that is the reason to report
     * (a flipped byte also breaks gzip or tar), with the first symptom kept as suppressed. Reads the blob afresh.
     */
    public LayerFormatException explain(LayerFormatException ex) {
        return verified ? ex : explain(layer, ex);
    }

    private static LayerFormatException explain(LayerBlob layer, LayerFormatException ex) {
        if (ex instanceof LayerIntegrityException) return ex;
        try (DigestingStream s = new DigestingStream(layer.open())) {
            s.drain();
            Digest actual = s.digest();
            if (!actual.equals(layer.digest())) {
                LayerIntegrityException ie = blobMismatch(layer, actual);
                ie.addSuppressed(ex);
                return ie;
            }
        } catch (IOException io) {
            ex.addSuppressed(io);
        }
        return ex;
    }

    private static LayerIntegrityException blobMismatch(LayerBlob layer, Digest actual) {
        return new LayerIntegrityException(layer.digest(), "the stored blob's digest is " + actual
                + " (corrupt or altered; remove the image and pull it again)");
    }

    private static String oneLine(String m) {
        if (m == null) return "";
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
        if (sparse != null) {
            while (sparse.read(buf, 0, buf.length) >= 0) {
                // expanding and discarding: the data checks itself against its map
            }
            sparse = null;
            tar = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name()); // at the next header
            return;
        }
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
            EntryPaths.checkComponentLengths(path);
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
                    EntryPaths.checkComponentLengths(target);
                    b.linkTarget(target);
                } catch (IllegalArgumentException ex) {
                    throw new LayerFormatException(layer.digest(), name, "hardlink target '" + EntryPaths.shorten(e.getLinkName()) + "': " + ex.getMessage());
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
                int n = sparse != null ? sparse.read(b, off, len) : tar.read(b, off, len);
                if (n > 0) dataRead += n;
                return n;
            } catch (LayerFormatException ex) {
                throw explain(ex);
            } catch (IOException | IllegalArgumentException ex) {
                throw explain(new LayerFormatException(layer.digest(), currentName, "truncated or corrupt data: " + ex.getMessage(), ex));
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
