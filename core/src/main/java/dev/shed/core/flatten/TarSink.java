package dev.shed.core.flatten;

import dev.shed.erofs.EntryType;
import dev.shed.erofs.ErofsEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes the merged tree as one POSIX (PAX) tar, like {@code crane export}: ustar headers, and a PAX header
 * whenever a field doesn't fit or carries more (long names and link targets, ids ≥ 2^21, mtime nanoseconds,
 * large sizes, xattrs as {@code SCHILY.xattr.*} with their exact bytes). Hardlinks stay hardlinks. Output is a
 * pure function of the entries, so the same image gives the same bytes. Written by hand because commons-compress
 * encodes PAX values as UTF-8 text, which corrupts binary xattrs.
 */
public final class TarSink implements FlattenSink, AutoCloseable {
    private static final int BLOCK = 512;
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];

    public TarSink(OutputStream out) {
        this.out = out;
    }

    @Override
    public void add(ErofsEntry entry) throws IOException {
        header(entry, 0);
    }

    @Override
    public void add(ErofsEntry file, InputStream data) throws IOException {
        header(file, file.size());
        long left = file.size();
        while (left > 0) {
            int n = data.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) throw new IOException("data of " + file.path() + " ended " + left + " bytes early");
            out.write(buf, 0, n);
            left -= n;
        }
        pad(file.size());
    }

    /** Ends the archive (two zero blocks) and flushes; does not close the underlying stream. */
    @Override
    public void close() throws IOException {
        out.write(new byte[BLOCK * 2]);
        out.flush();
    }

    private void header(ErofsEntry e, long size) throws IOException {
        String name = tarName(e);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        String link = e.type() == EntryType.SYMLINK || e.type() == EntryType.HARDLINK ? e.linkTarget() : "";
        byte[] linkBytes = link.getBytes(StandardCharsets.UTF_8);
        PaxRecords pax = new PaxRecords();
        if (nameBytes.length > 100) pax.add("path", nameBytes);
        if (linkBytes.length > 100) pax.add("linkpath", linkBytes);
        if (e.uid() > 07777777) pax.add("uid", ascii(Long.toString(e.uid())));
        if (e.gid() > 07777777) pax.add("gid", ascii(Long.toString(e.gid())));
        if (size > 077777777777L) pax.add("size", ascii(Long.toString(size)));
        if (e.mtimeNanos() != 0 || e.mtimeSeconds() < 0 || e.mtimeSeconds() > 077777777777L) {
            pax.add("mtime", ascii(BigDecimal.valueOf(e.mtimeSeconds()).add(BigDecimal.valueOf(e.mtimeNanos(), 9))
                    .stripTrailingZeros().toPlainString()));
        }
        for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) pax.add("SCHILY.xattr." + x.getKey(), x.getValue());
        if (!pax.isEmpty()) {
            byte[] records = pax.bytes();
            String base = EntryPathsTail.tail(name, 80);
            writeHeader(("PaxHeaders/" + base).getBytes(StandardCharsets.UTF_8), new byte[0], (byte) 'x', 0644, 0, 0,
                    records.length, 0, 0, 0);
            out.write(records);
            pad(records.length);
        }
        writeHeader(nameBytes, linkBytes, typeFlag(e.type()), e.permissions(), e.uid(), e.gid(), size,
                Math.max(0, Math.min(e.mtimeSeconds(), 077777777777L)), e.devMajor(), e.devMinor());
    }

    private static String tarName(ErofsEntry e) {
        if (e.path().isEmpty()) return "./";
        return e.type() == EntryType.DIRECTORY ? e.path() + "/" : e.path();
    }

    private void writeHeader(byte[] name, byte[] link, byte type, int mode, long uid, long gid, long size, long mtime,
                             int major, int minor) throws IOException {
        byte[] h = new byte[BLOCK];
        System.arraycopy(name, 0, h, 0, Math.min(100, name.length));
        octal(h, 100, 8, mode);
        octal(h, 108, 8, uid > 07777777 ? 0 : uid);
        octal(h, 116, 8, gid > 07777777 ? 0 : gid);
        octal(h, 124, 12, size > 077777777777L ? 0 : size);
        octal(h, 136, 12, mtime);
        Arrays.fill(h, 148, 156, (byte) ' ');
        h[156] = type;
        System.arraycopy(link, 0, h, 157, Math.min(100, link.length));
        System.arraycopy(ascii("ustar\0"), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        if (type == '3' || type == '4') {
            octal(h, 329, 8, major & 0xffffffffL);
            octal(h, 337, 8, minor & 0xffffffffL);
        }
        long sum = 0;
        for (byte b : h) sum += b & 0xff;
        byte[] chk = ascii(String.format("%06o", sum));
        System.arraycopy(chk, 0, h, 148, 6);
        h[154] = 0;
        h[155] = ' ';
        out.write(h);
    }

    private static byte typeFlag(EntryType t) {
        switch (t) {
            case FILE: return '0';
            case HARDLINK: return '1';
            case SYMLINK: return '2';
            case CHAR_DEVICE: return '3';
            case BLOCK_DEVICE: return '4';
            case DIRECTORY: return '5';
            case FIFO: return '6';
            default: throw new IllegalArgumentException("tar cannot hold a " + t);
        }
    }

    private static void octal(byte[] h, int off, int len, long v) {
        String s = Long.toOctalString(v);
        int digits = len - 1;
        if (s.length() > digits) s = s.substring(s.length() - digits);
        for (int i = 0; i < digits - s.length(); i++) h[off + i] = '0';
        for (int i = 0; i < s.length(); i++) h[off + digits - s.length() + i] = (byte) s.charAt(i);
        h[off + digits] = 0;
    }

    private void pad(long size) throws IOException {
        int rem = (int) (size % BLOCK);
        if (rem != 0) out.write(new byte[BLOCK - rem]);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** PAX records "LEN key=value\n", where LEN counts the whole record including itself. */
    private static final class PaxRecords {
        private final java.io.ByteArrayOutputStream bos = new java.io.ByteArrayOutputStream();

        void add(String key, byte[] value) {
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            int body = 1 + k.length + 1 + value.length + 1; // ' ' key '=' value '\n'
            int len = body + Integer.toString(body).length();
            if (Integer.toString(len).length() != Integer.toString(body).length()) len++;
            bos.writeBytes(ascii(Integer.toString(len)));
            bos.write(' ');
            bos.writeBytes(k);
            bos.write('=');
            bos.writeBytes(value);
            bos.write('\n');
        }

        boolean isEmpty() {
            return bos.size() == 0;
        }

        byte[] bytes() {
            return bos.toByteArray();
        }
    }

    /** The last path characters that fit a PAX header's own name. */
    private static final class EntryPathsTail {
        static String tail(String name, int max) {
            String n = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
            n = n.substring(n.lastIndexOf('/') + 1);
            byte[] b = n.getBytes(StandardCharsets.UTF_8);
            return b.length <= max ? n : new String(b, 0, max, StandardCharsets.US_ASCII).replaceAll("[^ -~]", "_");
        }
    }
}
