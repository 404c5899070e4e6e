package dev.shed.erofs.source;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads every extended attribute of a path, in every namespace the caller may see (as root: {@code user.},
 * {@code trusted.}, {@code security.}, {@code system.posix_acl_*}), with their exact bytes. java.nio's
 * {@code UserDefinedFileAttributeView} sees only {@code user.}, and it opens the file to read them, which blocks
 * on a FIFO and can act on a device node; this calls llistxattr(2)/lgetxattr(2) by path instead, so nothing is
 * opened and a symlink's own attributes are read, never its target's.
 *
 * <p>Through JNA's direct mapping (one JNI call per system call, no proxy), because Java 17 has no supported
 * foreign-function API; see docs/erofs.md ("Why JNA, and what it costs"). JNA's native stub is loaded on first
 * use, so commands that never read a directory tree never load it. An instance keeps its buffers between calls:
 * use one per thread.
 */
public final class NativeXattrs {
    /** errno values of Linux on x86-64 and aarch64 (the generic ones). */
    private static final int ERANGE = 34;
    private static final int ENODATA = 61;
    private static final int EOPNOTSUPP = 95;
    /** Linux's XATTR_LIST_MAX and XATTR_SIZE_MAX: enough for any list or value the VFS allows. */
    private static final int INITIAL_BUFFER = 64 << 10;
    /** Java encodes file names in this charset (fixed at start-up), so the same bytes name the same file. */
    private static final Charset FILE_NAMES = fileNameCharset();

    private Memory names;
    private Memory value;

    /** Loads JNA's native stub if not loaded yet; fails with a one-line error saying how to work around it. */
    public NativeXattrs() throws IOException {
        try {
            Libc.load();
        } catch (LinkageError e) {
            Throwable why = e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot load JNA's native library to read extended attributes (" + why.getMessage()
                    + "); JNA unpacks it under ~/.cache/JNA or java.io.tmpdir: point -Djna.tmpdir at a writable"
                    + " directory that allows exec (SHED_JAVA_OPTS)", e);
        }
    }

    /** Every attribute of {@code path} (a symlink's own), by full name; empty where the filesystem has none. */
    public SortedMap<String, byte[]> read(Path path) throws IOException {
        byte[] cPath = cString(path.toString().getBytes(FILE_NAMES));
        SortedMap<String, byte[]> out = new TreeMap<>();
        int listed = list(path, cPath);
        if (listed == 0) return out;   // most files: one system call
        byte[] list = names.getByteArray(0, listed);
        for (int start = 0; start < listed; ) {
            int end = start;
            while (end < listed && list[end] != 0) end++;
            byte[] name = Arrays.copyOfRange(list, start, end);
            byte[] v = get(path, cPath, name);
            if (v != null) out.put(decodeName(path, name), v);
            start = end + 1;
        }
        return out;
    }

    /** Fills {@link #names} with the NUL-separated list; returns its length. */
    private int list(Path path, byte[] cPath) throws IOException {
        if (names == null) names = new Memory(INITIAL_BUFFER);
        while (true) {
            try {
                return (int) Libc.llistxattr(cPath, names, names.size());
            } catch (LastErrorException e) {
                if (e.getErrorCode() == EOPNOTSUPP) return 0;   // a filesystem without xattrs
                if (e.getErrorCode() != ERANGE) throw failure("list extended attributes of", path, e);
            }
            names = new Memory(Math.max(names.size() * 2, askedSize(() -> Libc.llistxattr(cPath, null, 0), path)));
        }
    }

    /** The value of {@code name}, or null if it went away since it was listed. */
    private byte[] get(Path path, byte[] cPath, byte[] name) throws IOException {
        if (value == null) value = new Memory(INITIAL_BUFFER);
        byte[] cName = cString(name);
        while (true) {
            try {
                long n = Libc.lgetxattr(cPath, cName, value, value.size());
                return value.getByteArray(0, (int) n);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == ENODATA) return null;
                if (e.getErrorCode() != ERANGE) {
                    String what = "read extended attribute " + new String(name, StandardCharsets.UTF_8) + " of";
                    throw failure(what, path, e);
                }
            }
            long asked = askedSize(() -> Libc.lgetxattr(cPath, cName, null, 0), path);
            value = new Memory(Math.max(value.size() * 2, asked));
        }
    }

    private interface SizeCall {
        long call() throws LastErrorException;
    }

    private static long askedSize(SizeCall call, Path path) throws IOException {
        try {
            return Math.max(1, call.call());
        } catch (LastErrorException e) {
            throw failure("size extended attributes of", path, e);
        }
    }

    private static String decodeName(Path path, byte[] name) throws IOException {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException("extended attribute name is not valid UTF-8 on " + path + ": "
                    + new String(name, StandardCharsets.UTF_8));
        }
    }

    private static IOException failure(String what, Path path, LastErrorException e) {
        return new IOException("cannot " + what + " " + path + ": " + e.getMessage(), e);
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (IllegalArgumentException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static byte[] cString(byte[] b) {
        return Arrays.copyOf(b, b.length + 1);
    }

    /** libc's calls, bound once by JNA's direct mapping (static natives; ssize_t and size_t are 64-bit here). */
    private static final class Libc {
        /** Held so it stays configured: JNA logs its own failures with stack traces; ours is the one-line error. */
        private static final java.util.logging.Logger JNA_LOG = java.util.logging.Logger.getLogger("com.sun.jna");

        static {
            JNA_LOG.setLevel(java.util.logging.Level.SEVERE);
            // Without this, JNA's NativeLibrary runs `/sbin/ldconfig -p` on Linux to learn library directories:
            // a process spawn (~0.07 s CPU) for nothing, since libc.so.6 is found by the dynamic loader itself.
            if (System.getProperty("jna.platform.library.path") == null) {
                System.setProperty("jna.platform.library.path", "");
            }
            Native.register(Libc.class, Platform.C_LIBRARY_NAME);
        }

        static void load() {
            // the static initializer above does the work, once
        }

        static native long llistxattr(byte[] path, Pointer list, long size) throws LastErrorException;

        static native long lgetxattr(byte[] path, byte[] name, Pointer value, long size) throws LastErrorException;
    }
}
