package dev.shed.core.layer;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * GNU sparse files in PAX form (GNU tar {@code --sparse --format=posix}, sparse formats 0.0, 0.1 and 1.0) whose
 * expanded size is 2 GiB or more. commons-compress parses {@code GNU.sparse.size} and {@code GNU.sparse.realsize}
 * as an int and refuses the entry; VM disks and databases are exactly the large sparse files that matter. When that
 * happens, the entry's raw headers are still at hand: this reads the entry from them and expands its data itself,
 * and the layer reader resumes with a fresh tar reader after it (commons-compress buffers nothing beyond the
 * 512-byte records it has read). GNU-format sparse entries (type 'S') carry 12-byte numeric fields and need none of
 * this.
 */
final class LargePaxSparse {
    /** Most segments a map may have: 16 bytes each in memory, so a hostile map stays under 16 MiB. */
    private static final int MAX_SEGMENTS = 1 << 20;

    /** A sparse entry taken over: its metadata, expanded size, and the map (null when it is in the data: 1.0). */
    record Entry(TarArchiveEntry entry, long realSize, long storedSize, Segments map) {}

    /** (offset, length) pairs in one flat array. */
    static final class Segments {
        private long[] a = new long[16];
        private int n;

        void add(long offset, long length) {
            if (n == MAX_SEGMENTS) throw new IllegalArgumentException("sparse map of more than " + MAX_SEGMENTS + " segments");
            if (2 * n + 2 > a.length) a = java.util.Arrays.copyOf(a, a.length * 2);
            a[2 * n] = offset;
            a[2 * n + 1] = length;
            n++;
        }

        int size() {
            return n;
        }

        long offset(int i) {
            return a[2 * i];
        }

        long length(int i) {
            return a[2 * i + 1];
        }
    }

    private LargePaxSparse() {}

    /**
     * The entry described by the raw headers, when they declare a GNU sparse file too large for commons-compress;
     * null otherwise (the failure was something else).
     */
    static Entry detect(byte[] raw, long rawStart) {
        RawPaxHeaders.Last last = RawPaxHeaders.last(raw, rawStart);
        if (last == null) return null;
        long real = -1;
        String name = null;
        Long paxSize = null;
        Segments map = new Segments();
        long pendingOffset = -1;
        boolean hasMap = false;
        List<String[]> rest = new ArrayList<>();
        for (String[] r : last.records()) {
            String k = r[0];
            String v = r[1];
            switch (k) {
                case "GNU.sparse.size":
                case "GNU.sparse.realsize":
                    real = parse(v, k);
                    break;
                case "GNU.sparse.name":
                    name = v;
                    break;
                case "GNU.sparse.map":
                    hasMap = true;
                    String[] parts = v.isEmpty() ? new String[0] : v.split(",", -1);
                    if (parts.length % 2 != 0) throw new IllegalArgumentException("GNU.sparse.map has an odd number of values");
                    for (int i = 0; i < parts.length; i += 2) map.add(parse(parts[i], k), parse(parts[i + 1], k));
                    break;
                case "GNU.sparse.offset":
                    hasMap = true;
                    pendingOffset = parse(v, k);
                    break;
                case "GNU.sparse.numbytes":
                    if (pendingOffset < 0) throw new IllegalArgumentException("GNU.sparse.numbytes without an offset");
                    map.add(pendingOffset, parse(v, k));
                    pendingOffset = -1;
                    break;
                case "size":
                    paxSize = parse(v, k);
                    break;
                default:
                    if (!k.startsWith("GNU.sparse.")) rest.add(r);
                    break;
            }
        }
        if (real <= Integer.MAX_VALUE) return null;
        TarArchiveEntry e = new TarArchiveEntry(last.entryHeader());
        if (!e.isFile() || e.isLink() || e.isSymbolicLink()) return null; // only a regular file has data to expand
        for (String[] r : rest) e.addPaxHeader(r[0], r[1]);
        if (name != null) e.setName(name);
        long stored = paxSize != null ? paxSize : e.getSize();
        return new Entry(e, real, stored, hasMap ? map : null);
    }

    private static long parse(String v, String key) {
        try {
            long n = Long.parseLong(v.trim());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(key + " is not a size: '" + v + "'");
        }
    }

    /**
     * The expanded data of {@code e}, read from {@code tar} (positioned at the entry's data): holes as zeros. At
     * its end (or on {@link Data#finish()}) the entry's stored bytes and their padding have been consumed, so the
     * stream is at the next header.
     */
    static Data data(Entry e, InputStream tar) {
        return new Data(e, tar);
    }

    static final class Data extends InputStream {
        private final InputStream in;
        private final long realSize;
        private long storedLeft;
        private final long padding;
        private Segments map;
        private int segment;
        private long pos;
        private boolean started;
        private boolean finished;

        Data(Entry e, InputStream in) {
            this.in = in;
            this.realSize = e.realSize();
            this.storedLeft = e.storedSize();
            this.padding = ((e.storedSize() + 511) & ~511L) - e.storedSize();
            this.map = e.map();
        }

        /** Format 1.0 keeps the map at the start of the data: "count\n" then "offset\nnumbytes\n" pairs, padded to 512. */
        private void readMapInData() throws IOException {
            long consumed = 0;
            long[] count = new long[1];
            consumed += readNumber(count);
            if (count[0] > MAX_SEGMENTS) throw new IOException("sparse map of " + count[0] + " segments");
            Segments m = new Segments();
            long[] off = new long[1];
            long[] len = new long[1];
            for (long i = 0; i < count[0]; i++) {
                consumed += readNumber(off);
                consumed += readNumber(len);
                m.add(off[0], len[0]);
            }
            long pad = (512 - consumed % 512) % 512;
            skipStored(pad);
            map = m;
        }

        private int readNumber(long[] out) throws IOException {
            long v = 0;
            int n = 0;
            while (true) {
                int c = readStored();
                n++;
                if (c == '\n') break;
                if (c < '0' || c > '9' || n > 20) throw new IOException("malformed sparse map in the data");
                v = v * 10 + (c - '0');
            }
            if (n == 1) throw new IOException("malformed sparse map in the data");
            out[0] = v;
            return n;
        }

        private int readStored() throws IOException {
            if (storedLeft <= 0) throw new EOFException("sparse map runs past the entry's data");
            int c = in.read();
            if (c < 0) throw new EOFException("sparse entry ended early");
            storedLeft--;
            return c;
        }

        private void skipStored(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(Math.max(n, 1), 65536)];
            while (n > 0) {
                int r = in.read(buf, 0, (int) Math.min(buf.length, n));
                if (r < 0) throw new EOFException("sparse entry ended early");
                n -= r;
                storedLeft -= r;
            }
        }

        private void start() throws IOException {
            if (map == null) readMapInData();
            long end = 0;
            long data = 0;
            for (int i = 0; i < map.size(); i++) {
                long o = map.offset(i);
                long l = map.length(i);
                if (o < end || l < 0 || o + l > realSize || o + l < 0) throw new IOException("sparse map is out of order or beyond the file");
                end = o + l;
                data += l;
            }
            if (data > storedLeft) throw new IOException("sparse map names more data than the entry holds");
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (!started) {
                started = true;
                start();
            }
            if (pos >= realSize) {
                finish();
                return -1;
            }
            if (len == 0) return 0;
            while (segment < map.size() && map.length(segment) == 0) segment++;
            boolean inHole = segment >= map.size() || pos < map.offset(segment);
            if (inHole) {
                long holeEnd = segment >= map.size() ? realSize : map.offset(segment);
                int n = (int) Math.min(len, holeEnd - pos);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                pos += n;
                return n;
            }
            long segmentEnd = map.offset(segment) + map.length(segment);
            int n = in.read(b, off, (int) Math.min(len, segmentEnd - pos));
            if (n < 0) throw new EOFException("sparse entry data ended early");
            pos += n;
            storedLeft -= n;
            if (pos == segmentEnd) segment++;
            return n;
        }

        /** Consumes what is left of the entry's stored bytes and their padding to the 512-byte record. */
        void finish() throws IOException {
            if (finished) return;
            finished = true;
            skipStored(storedLeft + padding);
        }
    }
}
