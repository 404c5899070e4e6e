package dev.shed.core.vm.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Parses what the guest init wrote while listing the lower: GNU {@code stat --printf} records (eleven
 * NUL-terminated fields each: name, raw mode in hex, uid, gid, size, mtime with nanoseconds, device major and
 * minor in hex, link count, inode, and {@code %N} — "name -> target" for symlinks), {@code sha256sum -z} lines,
 * and {@code getfattr -d -e hex} blocks (names octal-escaped). Names are "./a/b" as find printed them.
 */
public final class GuestListing {
    private GuestListing() {}

    public static Map<String, TreeEntry> parse(byte[] stat, byte[] sums, byte[] xattrDump) throws IOException {
        Map<String, String> hashes = sums(sums);
        Map<String, Map<String, String>> xattrs;
        try {
            xattrs = xattrs(xattrDump);
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IOException("guest listing: malformed getfattr output (" + e.getMessage() + ")");
        }
        List<String> f = fields(stat);
        if (f.size() % 11 != 0) throw new IOException("guest listing: " + f.size() + " stat fields, not a multiple of 11 (truncated?)");
        Map<String, TreeEntry> out = new TreeMap<>();
        for (int i = 0; i < f.size(); i += 11) {
            try {
                entry(f, i, hashes, xattrs, out);
            } catch (NumberFormatException e) {
                // a garbled listing is the guest's fault, not the user's input: an I/O error naming the entry
                throw new IOException("guest listing: malformed stat fields for " + f.get(i) + ": " + f.subList(i + 1, i + 11));
            }
        }
        return out;
    }

    private static void entry(List<String> f, int i, Map<String, String> hashes, Map<String, Map<String, String>> xattrs,
            Map<String, TreeEntry> out) throws IOException {
        String name = f.get(i);
        String path = path(name);
        int raw = Integer.parseInt(f.get(i + 1), 16);
        char type = type(raw & 0xF000, name);
        String link = null;
        if (type == 'l') {
            String n = f.get(i + 10);
            String prefix = name + " -> ";
            if (!n.startsWith(prefix)) throw new IOException("guest listing: unexpected %N for " + name + ": " + n);
            link = n.substring(prefix.length());
        }
        out.put(path, new TreeEntry(path, type, raw & 07777, Long.parseLong(f.get(i + 2)), Long.parseLong(f.get(i + 3)),
                Long.parseLong(f.get(i + 4)), nanos(f.get(i + 5)), link,
                Integer.parseInt(f.get(i + 6), 16), Integer.parseInt(f.get(i + 7), 16),
                xattrs.getOrDefault(path, Map.of()), type == 'f' ? hashes.get(path) : null,
                Long.parseLong(f.get(i + 9)), true));
    }

    static String path(String findName) {
        if (findName.equals(".")) return "";
        if (findName.startsWith("./")) return findName.substring(2);
        return findName;
    }

    private static char type(int fmt, String name) throws IOException {
        switch (fmt) {
            case 0x8000: return 'f';
            case 0x4000: return 'd';
            case 0xA000: return 'l';
            case 0x2000: return 'c';
            case 0x6000: return 'b';
            case 0x1000: return 'p';
            case 0xC000: return 's';
            default: throw new IOException("guest listing: unknown file type " + Integer.toHexString(fmt) + " for " + name);
        }
    }

    /** "1600000000.123456789" → nanoseconds. */
    static long nanos(String s) {
        int dot = s.indexOf('.');
        if (dot < 0) return Long.parseLong(s) * 1_000_000_000L;
        long sec = Long.parseLong(s.substring(0, dot));
        String frac = (s.substring(dot + 1) + "000000000").substring(0, 9);
        return sec * 1_000_000_000L + (sec < 0 ? -1 : 1) * Long.parseLong(frac);
    }

    private static List<String> fields(byte[] b) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    /** "HASH  ./name\0" records. */
    private static Map<String, String> sums(byte[] b) throws IOException {
        Map<String, String> out = new HashMap<>();
        for (String rec : fields(b)) {
            if (rec.length() < 66 || rec.charAt(64) != ' ') throw new IOException("guest listing: bad sha256sum record: " + rec);
            out.put(path(rec.substring(66)), rec.substring(0, 64));
        }
        return out;
    }

    /** getfattr blocks: "# file: NAME", then "key=0xHEX" lines, then a blank line. */
    private static Map<String, Map<String, String>> xattrs(byte[] b) {
        Map<String, Map<String, String>> out = new HashMap<>();
        Map<String, String> current = null;
        for (String line : new String(b, StandardCharsets.ISO_8859_1).split("\n")) {
            if (line.startsWith("# file: ")) {
                current = new TreeMap<>();
                out.put(path(unescape(line.substring("# file: ".length()))), current);
            } else if (!line.isEmpty() && current != null) {
                int eq = line.indexOf('=');
                String key = unescape(eq < 0 ? line : line.substring(0, eq));
                String value = eq < 0 ? "" : line.substring(eq + 1);
                if (value.startsWith("0x")) value = value.substring(2);
                else if (value.startsWith("\"") && value.endsWith("\"")) {
                    value = java.util.HexFormat.of().formatHex(unescape(value.substring(1, value.length() - 1)).getBytes(StandardCharsets.UTF_8));
                }
                current.put(key, value.toLowerCase(java.util.Locale.ROOT));
            }
        }
        return out;
    }

    /** getfattr's escaping: "\ooo" octal bytes (and "\\"); the text is read as Latin-1, so bytes map 1:1. */
    static String unescape(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() + 0 && s.substring(i + 1, Math.min(s.length(), i + 4)).matches("[0-7]{3}")) {
                bytes.write(Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                bytes.write('\\');
                i++;
            } else {
                bytes.write(c & 0xff);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
