package dev.shed.core.layer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Re-reads the PAX extended header of one entry from its raw bytes. commons-compress decodes PAX values as
 * UTF-8 strings, which mangles binary values such as {@code SCHILY.xattr.security.capability}; this keeps the
 * bytes exact.
 */
final class RawPaxHeaders {
    private RawPaxHeaders() {}

    /**
     * @param raw        bytes read from the tar stream while the entry's headers were read
     * @param rawStart   absolute stream offset of raw[0] (so 512-byte header boundaries can be found)
     * @return the records of the last 'x' header before the entry's own header (empty when none)
     */
    static Map<String, byte[]> parse(byte[] raw, long rawStart) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        Scan scan = scan(raw, rawStart);
        if (scan.records() != null) {
            for (Map.Entry<String, byte[]> r : scan.records()) out.put(r.getKey(), r.getValue());
        }
        return out;
    }

    /** The last 'x' header's records in order (repeated keys kept) and the entry's own 512-byte header. */
    record Last(java.util.List<String[]> records, byte[] entryHeader) {}

    /** Like {@link #parse}, keeping every record in order and the entry header; null when there is no 'x' header. */
    static Last last(byte[] raw, long rawStart) {
        Scan scan = scan(raw, rawStart);
        if (scan.records() == null || scan.entryHeader() < 0) return null;
        java.util.List<String[]> records = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> r : scan.records()) {
            records.add(new String[] {r.getKey(), new String(r.getValue(), StandardCharsets.UTF_8)});
        }
        return new Last(records, java.util.Arrays.copyOfRange(raw, scan.entryHeader(), scan.entryHeader() + 512));
    }

    /**
     * Where a walk over one entry's headers got to: the records of the last complete 'x' header (null when none)
     * and the offset in raw of the entry's own header (-1 when raw ended first, or inside an 'x' header).
     */
    private record Scan(java.util.List<Map.Entry<String, byte[]>> records, int entryHeader) {}

    private static Scan scan(byte[] raw, long rawStart) {
        java.util.List<Map.Entry<String, byte[]>> last = null;
        int i = (int) ((512 - rawStart % 512) % 512);
        while (i + 512 <= raw.length) {
            byte type = raw[i + 156];
            long size = number(raw, i + 124, 12);
            if (allZero(raw, i)) {
                i += 512;
                continue;
            }
            int content = i + 512;
            long padded = (size + 511) & ~511L;
            if (type == 'x' || type == 'X') {
                if (content + size > raw.length) return new Scan(last, -1);
                last = recordList(raw, content, (int) size);
            } else if (type != 'L' && type != 'K' && type != 'g') {
                return new Scan(last, i); // the entry's own header
            }
            i = (int) Math.min(Integer.MAX_VALUE, content + padded);
        }
        return new Scan(last, -1);
    }

    private static java.util.List<Map.Entry<String, byte[]>> recordList(byte[] b, int off, int len) {
        java.util.List<Map.Entry<String, byte[]>> out = new java.util.ArrayList<>();
        int p = off;
        int end = off + len;
        while (p < end) {
            int sp = p;
            int recLen = 0;
            while (sp < end && b[sp] >= '0' && b[sp] <= '9') recLen = recLen * 10 + (b[sp++] - '0');
            if (sp >= end || b[sp] != ' ' || recLen <= 0 || p + recLen > end) break;
            int keyStart = sp + 1;
            int eq = keyStart;
            int recEnd = p + recLen; // exclusive; b[recEnd-1] is '\n'
            while (eq < recEnd && b[eq] != '=') eq++;
            if (eq >= recEnd) break;
            String key = new String(b, keyStart, eq - keyStart, StandardCharsets.UTF_8);
            int valEnd = b[recEnd - 1] == '\n' ? recEnd - 1 : recEnd;
            byte[] value = java.util.Arrays.copyOfRange(b, eq + 1, Math.max(eq + 1, valEnd));
            out.add(Map.entry(key, value));
            p = recEnd;
        }
        return out;
    }

    private static boolean allZero(byte[] b, int off) {
        for (int k = off; k < off + 512; k++) if (b[k] != 0) return false;
        return true;
    }

    /** An octal tar number field, or base-256 when the high bit of the first byte is set. */
    static long number(byte[] b, int off, int len) {
        if ((b[off] & 0x80) != 0) {
            long v = b[off] & 0x7f;
            for (int k = off + 1; k < off + len; k++) v = (v << 8) | (b[k] & 0xff);
            return v;
        }
        long v = 0;
        for (int k = off; k < off + len; k++) {
            byte c = b[k];
            if (c == 0 || c == ' ') {
                if (v != 0) break;
                continue;
            }
            if (c < '0' || c > '7') break;
            v = (v << 3) + (c - '0');
        }
        return v;
    }
}
