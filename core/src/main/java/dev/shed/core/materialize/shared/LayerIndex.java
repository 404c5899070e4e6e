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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;

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
 * then, after the zstd frame, the sha256 of everything before it (32 bytes)
 * </pre>
 * The body is zstd-compressed (level 3): names, metadata and small files' bytes compress ~3× and an index is read
 * whole anyway. Big-endian; str and bytes are a u32 length and the bytes (strings UTF-8). A file that fails any check (magic,
 * version, checksum, layer, key, truncation) is not an index: the device is rebuilt.
 */
public final class LayerIndex {
    private static final byte[] MAGIC = "SHEDLIDX".getBytes(StandardCharsets.US_ASCII);
    /** Bumped with any change to the encoding above. 2: body zstd-compressed. */
    public static final int VERSION = 2;
    private static final int ZSTD_LEVEL = 3;
    private static final int DIGEST_BYTES = 32;
    private static final EntryType[] TYPES = EntryType.values();

    /** One layer entry; {@code data} is the file's placement on the device (device 0), null for other types. */
    public record Entry(String tarName, ErofsEntry entry, ExternalData data) {}

    private final Digest layer;
    private final String key;
    private final long deviceBlocks;
    private final int count;
    private final ByteBuffer body;

    private LayerIndex(Digest layer, String key, long deviceBlocks, int count, ByteBuffer body) {
        this.layer = layer;
        this.key = key;
        this.deviceBlocks = deviceBlocks;
        this.count = count;
        this.body = body;
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
            ByteBuffer file = ByteBuffer.allocate(MAGIC.length + 8 + packed.length + DIGEST_BYTES);
            file.put(MAGIC).putInt(VERSION).putInt(plain.length).put(packed);
            file.put(sha256(file.array(), file.position()));
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
        if (all.length < MAGIC.length + 8 + DIGEST_BYTES) return null;
        int bodyEnd = all.length - DIGEST_BYTES;
        if (!Arrays.equals(sha256(all, bodyEnd), 0, DIGEST_BYTES, all, bodyEnd, all.length)) return null;
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
            ByteBuffer b = ByteBuffer.wrap(plain);
            if (!str(b).equals(layer.toString()) || !str(b).equals(key)) return null;
            long blocks = b.getLong();
            int count = b.getInt();
            return new LayerIndex(layer, key, blocks, count, b.slice());
        } catch (BufferUnderflowException | IllegalArgumentException | com.github.luben.zstd.ZstdException e) {
            return null;
        }
    }

    /** The entries in tar order. */
    public Cursor entries() {
        return new Cursor(body.duplicate(), count);
    }

    /** Reads entries one at a time. */
    public final class Cursor {
        private final ByteBuffer b;
        private int left;

        private Cursor(ByteBuffer b, int count) {
            this.b = b;
            this.left = count;
        }

        /** The next entry, or null at the end. */
        public Entry next() throws IOException {
            if (left == 0) return null;
            left--;
            try {
                return read(b);
            } catch (BufferUnderflowException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new IOException("index of layer " + layer + " is malformed: " + e.getMessage(), e);
            }
        }
    }

    private static Entry read(ByteBuffer b) {
        String tarName = str(b);
        String path = str(b);
        EntryType type = TYPES[b.get()];
        ErofsEntry.Builder e = ErofsEntry.builder(path, type).permissions(b.getInt()).owner(b.getLong(), b.getLong())
                .mtime(b.getLong(), b.getInt()).size(b.getLong());
        if (b.get() != 0) e.linkTarget(str(b));
        e.device(b.getInt(), b.getInt());
        int xattrs = b.getInt();
        for (int i = 0; i < xattrs; i++) e.xattr(str(b), bytes(b));   // the builder keeps them sorted
        ExternalData data = null;
        if (type == EntryType.FILE) {
            long block = b.getLong();
            long blocks = b.getLong();
            int n = b.getInt();
            int[] extents = null;
            if (n >= 0) {
                extents = new int[n];
                for (int i = 0; i < n; i++) extents[i] = b.getInt();
            }
            data = new ExternalData(0, block, blocks, extents, bytes(b));
        }
        return new Entry(tarName, e.build(), data);
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static void bytes(DataOutputStream out, byte[] v) throws IOException {
        out.writeInt(v.length);
        out.write(v);
    }

    /** Decodes straight from the buffer's array: no intermediate byte[] per name. */
    private static String str(ByteBuffer b) {
        int n = length(b);
        String s = new String(b.array(), b.arrayOffset() + b.position(), n, StandardCharsets.UTF_8);
        b.position(b.position() + n);
        return s;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] v = new byte[length(b)];
        b.get(v);
        return v;
    }

    private static int length(ByteBuffer b) {
        int n = b.getInt();
        if (n < 0 || n > b.remaining()) throw new IllegalArgumentException("length " + n + " past the end");
        return n;
    }

    private static byte[] sha256(byte[] data, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, 0, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
