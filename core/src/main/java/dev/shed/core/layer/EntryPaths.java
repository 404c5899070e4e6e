package dev.shed.core.layer;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalises tar entry names to in-image paths: '/'-separated, no leading '/' or './', no empty or '.'
 * components, '..' resolved lexically (like umoci's CleanPath) and refused when it would climb above the root.
 * The root itself is "".
 */
public final class EntryPaths {
    private EntryPaths() {}

    /** The normalised path, or throws {@link IllegalArgumentException} with the reason. */
    public static String normalise(String name) {
        if (name.indexOf('\0') >= 0) throw new IllegalArgumentException("name contains a NUL byte");
        Deque<String> parts = new ArrayDeque<>();
        int i = 0;
        int n = name.length();
        while (i <= n) {
            int slash = name.indexOf('/', i);
            int end = slash < 0 ? n : slash;
            String c = name.substring(i, end);
            if (c.isEmpty() || c.equals(".")) {
                // skip
            } else if (c.equals("..")) {
                if (parts.isEmpty()) throw new IllegalArgumentException("'..' climbs above the image root");
                parts.removeLast();
            } else {
                parts.addLast(c);
            }
            if (slash < 0) break;
            i = slash + 1;
        }
        return String.join("/", parts);
    }

    /** The longest name of one path component Linux (NAME_MAX) and EROFS accept, in bytes. */
    public static final int NAME_MAX = 255;

    /** Refuses a normalised path with a component longer than {@link #NAME_MAX} UTF-8 bytes: no filesystem could hold it. */
    public static void checkComponentLengths(String path) {
        int start = 0;
        while (start <= path.length()) {
            int slash = path.indexOf('/', start);
            int end = slash < 0 ? path.length() : slash;
            if (end - start > NAME_MAX / 3) { // only then can its UTF-8 exceed the limit
                int bytes = path.substring(start, end).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                if (bytes > NAME_MAX) {
                    throw new IllegalArgumentException("a name of " + bytes + " bytes in the path; Linux and EROFS allow " + NAME_MAX);
                }
            }
            if (slash < 0) break;
            start = slash + 1;
        }
    }

    public static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    public static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    public static String join(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }

    /** Longest path shown whole in a message; longer ones keep their head and tail. */
    static final int MESSAGE_MAX = 160;

    /**
     * A path for a one-line message: control characters escaped, and beyond {@value #MESSAGE_MAX} characters cut
     * to its first 60 and last 90 around "…" (the tail names the entry, the head where it lives).
     */
    public static String shorten(String path) {
        if (path == null) return null;
        StringBuilder sb = new StringBuilder(Math.min(path.length(), MESSAGE_MAX + 8));
        if (path.length() <= MESSAGE_MAX || path.codePointCount(0, path.length()) <= 160) return escape(path, sb).toString();
        int head = path.offsetByCodePoints(0, 60);
        int tail = path.offsetByCodePoints(path.length(), -90);
        escape(path.substring(0, head), sb).append("…(").append(tail - head).append(" more)…");
        return escape(path.substring(tail), sb).toString();
    }

    private static StringBuilder escape(String s, StringBuilder sb) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
            else sb.append(c);
        }
        return sb;
    }
}
