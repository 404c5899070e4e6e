package dev.shed.core.materialize.shared;

import com.github.luben.zstd.Zstd;
import dev.shed.core.oci.Digest;
import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import dev.shed.erofs.ExternalData;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * The index of one layer's data device ({@code <layer-hex>.<key>.erofsdev.idx}): every entry of the layer tar in
 * tar order (whiteout markers included) with all its metadata, and for each regular file where its data sits on
 * the device. It is all a metadata build needs: a shared lower is made from indexes alone, never from the tar.
 *
 * <pre>
 * magic "SHEDLIDX" | u32 version | u32 body length | zstd frame of the body:
 * str layer digest | str device key | u64 device blocks | u32 entry count
 * entry*: str tar name | str path | u8 type | u32 permissions | u64 uid | u64 gid | s64 mtime | u32 nanos | u64 size
 *         | u8 has-link [str link] | u32 major | u32 minor | u32 xattr count [str name | bytes value]*
 *         | FILE only: u64 device block | u64 blocks | s32 extent count (-1 = flat) [s32 extent]* | bytes inline tail
 * then, after the zstd frame, the CRC-32C of everything before it (u32)
 * </pre>
 * The body is zstd-compressed (level 3): names, metadata and small files' bytes compress ~4.7× and an index is read
 * whole anyway. Big-endian; str and bytes are a u32 length and the bytes (strings UTF-8). A file that fails any
 * check (magic, version, checksum, layer, key, truncation) is not an index: the device is rebuilt. The checksum
 * guards against damage, not forgery (whoever can write the store can write an index): CRC-32C is a JVM intrinsic
 * from the first call, where SHA-256 (version 2) cost ~0.1 s of a metadata-only build in code the JIT had not
 * compiled yet.
 */
public final class LayerIndex {
    private static final byte[] MAGIC = "SHEDLIDX".getBytes(StandardCharsets.US_ASCII);
    /** Bumped with any change to the encoding above. 2: body zstd-compressed. 3: CRC-32C in place of SHA-256. */
    public static final int VERSION = 3;
    private static final int ZSTD_LEVEL = 3;
    private static final int CHECKSUM_BYTES = 4;
    private static final EntryType[] TYPES = EntryType.values();

    /** One layer entry; {@code data} is the file's placement on the device (device 0), null for other types. */
    public record Entry(String tarName, ErofsEntry entry, ExternalData data) {}

    private final Digest layer;
    private final String key;
    private final long deviceBlocks;
    private final int count;
    /** The decompressed body; entries start at {@code entriesAt}. */
    private final byte[] body;
    private final int entriesAt;

    private LayerIndex(Digest layer, String key, long deviceBlocks, int count, byte[] body, int entriesAt) {
        this.layer = layer;
        this.key = key;
        this.deviceBlocks = deviceBlocks;
        this.count = count;
        this.body = body;
        this.entriesAt = entriesAt;
    }

    public Digest layer() {
        return layer;
    }

    public String key() {
        return key;
    }

    public long deviceBlocks() {
        return deviceBlocks;
    }

    public int entryCount() {
        return count;
    }

    /** Encodes a whole index. */
    public static byte[] encode(Digest layer, String key, long deviceBlocks, Iterable<Entry> entries, int count) {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream(1 << 16);
            DataOutputStream out = new DataOutputStream(body);
            str(out, layer.toString());
            str(out, key);
            out.writeLong(deviceBlocks);
            out.writeInt(count);
            for (Entry e : entries) write(out, e);
            out.flush();
            byte[] plain = body.toByteArray();
            byte[] packed = Zstd.compress(plain, ZSTD_LEVEL);
            ByteBuffer file = ByteBuffer.allocate(MAGIC.length + 8 + packed.length + CHECKSUM_BYTES);
            file.put(MAGIC).putInt(VERSION).putInt(plain.length).put(packed);
            file.putInt(crc32c(file.array(), file.position()));
            return file.array();
        } catch (IOException e) {
            throw new IllegalStateException("in-memory write failed", e);
        }
    }

    private static void write(DataOutputStream out, Entry x) throws IOException {
        ErofsEntry e = x.entry();
        str(out, x.tarName() == null ? e.path() : x.tarName());
        str(out, e.path());
        out.writeByte(e.type().ordinal());
        out.writeInt(e.permissions());
        out.writeLong(e.uid());
        out.writeLong(e.gid());
        out.writeLong(e.mtimeSeconds());
        out.writeInt(e.mtimeNanos());
        out.writeLong(e.size());
        out.writeBoolean(e.linkTarget() != null);
        if (e.linkTarget() != null) str(out, e.linkTarget());
        out.writeInt(e.devMajor());
        out.writeInt(e.devMinor());
        out.writeInt(e.xattrs().size());
        for (Map.Entry<String, byte[]> a : e.xattrs().entrySet()) {
            str(out, a.getKey());
            bytes(out, a.getValue());
        }
        if (e.type() == EntryType.FILE) {
            ExternalData d = x.data();
            out.writeLong(d.blockOffset());
            out.writeLong(d.blocks());
            int[] extents = d.extents();
            out.writeInt(extents == null ? -1 : extents.length);
            if (extents != null) for (int v : extents) out.writeInt(v);
            bytes(out, d.inlineTail());
        }
    }

    /**
     * Reads and checks an index; null when the file is missing or is not a complete, current index of {@code layer}
     * built with {@code key}.
     */
    public static LayerIndex read(Path file, Digest layer, String key) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        return parse(all, layer, key);
    }

    /** {@link #read} of bytes already in memory (an index just encoded: no reading back what was written). */
    public static LayerIndex parse(byte[] all, Digest layer, String key) {
        if (all.length < MAGIC.length + 8 + CHECKSUM_BYTES) return null;
        int bodyEnd = all.length - CHECKSUM_BYTES;
        if (crc32c(all, bodyEnd) != ByteBuffer.wrap(all, bodyEnd, CHECKSUM_BYTES).getInt()) return null;
        ByteBuffer head = ByteBuffer.wrap(all, 0, bodyEnd);
        try {
            byte[] magic = new byte[MAGIC.length];
            head.get(magic);
            if (!Arrays.equals(magic, MAGIC) || head.getInt() != VERSION) return null;
            int length = head.getInt();
            if (length < 0) return null;
            byte[] plain = new byte[length];
            long n = Zstd.decompressByteArray(plain, 0, length, all, head.position(), bodyEnd - head.position());
            if (n != length) return null;
            Input in = new Input(plain, 0);
            if (!in.str().equals(layer.toString()) || !in.str().equals(key)) return null;
            long blocks = in.u64();
            int count = in.u32();
            return new LayerIndex(layer, key, blocks, count, plain, in.at);
        } catch (BufferUnderflowException | IllegalArgumentException | com.github.luben.zstd.ZstdException e) {
            return null;
        }
    }

    /** The entries in tar order, each file placed on device {@code device} of the image being built. */
    public Cursor entries(int device) {
        return new Cursor(new Input(body, entriesAt), count, device);
    }

    /**
     * Reads entries one at a time. An entry's tar name (for error messages) and a file's placement (for a file the
     * merge keeps) are decoded only when asked for: most of a lower layer's files are hidden in a merge.
     */
    public final class Cursor {
        private final Input in;
        private final int device;
        private int left;
        private int nameAt = -1;
        private int placementAt = -1;

        private Cursor(Input in, int count, int device) {
            this.in = in;
            this.left = count;
            this.device = device;
        }

        /** The next entry, or null at the end. */
        public ErofsEntry next() throws IOException {
            nameAt = -1;
            placementAt = -1;
            if (left == 0) return null;
            left--;
            try {
                return read();
            } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
                throw malformed(e);
            }
        }

        /** The tar name of the entry {@link #next} returned last (null before the first). */
        public String tarName() throws IOException {
            if (nameAt < 0) return null;
            try {
                return new Input(body, nameAt).str();
            } catch (IllegalArgumentException e) {
                throw malformed(e);
            }
        }

        /** Where the data of the file {@link #next} returned last sits on the device. */
        public ExternalData placement() throws IOException {
            if (placementAt < 0) throw new IllegalStateException("the current entry is not a regular file");
            Input p = new Input(body, placementAt);
            try {
                long block = p.u64();
                long blocks = p.u64();
                int n = p.u32();
                int[] extents = null;
                if (n >= 0) {
                    extents = new int[p.count(n, 4)];
                    for (int i = 0; i < n; i++) extents[i] = p.u32();
                }
                int tail = p.count(p.u32(), 1);
                return ExternalData.viewing(device, block, blocks, extents, body, p.take(tail), tail);
            } catch (IllegalArgumentException e) {
                throw malformed(e);
            }
        }

        private ErofsEntry read() {
            nameAt = in.at;
            in.take(in.count(in.u32(), 1));
            String path = in.str();
            EntryType type = TYPES[in.u8()];
            int permissions = in.u32();
            long uid = in.u64();
            long gid = in.u64();
            long mtime = in.u64();
            int nanos = in.u32();
            long size = in.u64();
            String link = in.u8() != 0 ? in.str() : null;
            int major = in.u32();
            int minor = in.u32();
            int xattrCount = in.u32();
            SortedMap<String, byte[]> xattrs = null;
            if (xattrCount > 0) {
                xattrs = new TreeMap<>();
                for (int i = 0; i < xattrCount; i++) xattrs.put(in.str(), in.bytes());
            }
            if (type == EntryType.FILE) {
                placementAt = in.at;
                in.take(16);
                int n = in.u32();
                if (n >= 0) in.take(in.count(n, 4) * 4);
                in.take(in.count(in.u32(), 1));
            }
            return new ErofsEntry(path, type, permissions, uid, gid, mtime, nanos, size, link, major, minor, xattrs);
        }

        private IOException malformed(RuntimeException e) {
            return new IOException("index of layer " + layer + " is malformed: " + e.getMessage(), e);
        }
    }

    /**
     * Big-endian reads straight from the body array: an index is decoded once per build, in code the JIT has not
     * compiled yet, where each ByteBuffer accessor is a deep chain of calls. Overruns throw.
     */
    private static final class Input {
        private final byte[] a;
        private int at;

        Input(byte[] a, int at) {
            this.a = a;
            this.at = at;
        }

        int u8() {
            if (at >= a.length) throw new IllegalArgumentException("entry past the end");
            return a[at++] & 0xff;
        }

        int u32() {
            int p = take(4);
            return (a[p] & 0xff) << 24 | (a[p + 1] & 0xff) << 16 | (a[p + 2] & 0xff) << 8 | (a[p + 3] & 0xff);
        }

        long u64() {
            return (long) u32() << 32 | (u32() & 0xffffffffL);
        }

        /** A length or count of {@code n} items of {@code size} bytes that must still fit the body. */
        int count(int n, int size) {
            if (n < 0 || (long) n * size > a.length - at) throw new IllegalArgumentException("length " + n + " past the end");
            return n;
        }

        String str() {
            int n = count(u32(), 1);
            return new String(a, take(n), n, StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            int n = count(u32(), 1);
            return Arrays.copyOfRange(a, take(n), at);
        }

        /** Skips {@code n} bytes; returns where they start. */
        int take(int n) {
            if (n > a.length - at) throw new IllegalArgumentException("entry past the end");
            int p = at;
            at += n;
            return p;
        }
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] v) throws IOException {
        out.writeInt(v.length);
        out.write(v);
    }

    private static int crc32c(byte[] data, int length) {
        CRC32C crc = new CRC32C();
        crc.update(data, 0, length);
        return (int) crc.getValue();
    }
}
