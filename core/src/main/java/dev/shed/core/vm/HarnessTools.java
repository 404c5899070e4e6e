package dev.shed.core.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host tools the boot harness runs inside the guest, where busybox falls short: GNU {@code stat} (one
 * NUL-separated record per entry, nanosecond mtimes), {@code sha256sum -z} (names unescaped) and
 * {@code getfattr} (busybox has no xattr applet). Each goes in as /shed/tools/NAME with the shared libraries
 * {@code ldd} lists, at their host paths, so the guest's dynamic loader finds them. Host binaries run only in a
 * guest of the host's architecture: verify --boot of another architecture's image is refused.
 */
final class HarnessTools {
    private static final List<String> TOOLS = List.of("stat", "sha256sum", "getfattr");

    private HarnessTools() {}

    static Map<String, Path> resolve(GuestArch guest) throws IOException {
        GuestArch host = GuestArch.host();
        if (guest != host) {
            throw new IOException("shed image verify --boot runs the host's GNU stat, sha256sum and getfattr in the guest, so it needs an image of the host's"
                    + " architecture (" + (host == null ? System.getProperty("os.arch") : host.key()) + "); this image is " + guest.key()
                    + ": verify it on an " + guest.key() + " host");
        }
        Map<String, Path> out = new TreeMap<>();
        for (String tool : TOOLS) {
            Path bin = which(tool);
            out.put("shed/tools/" + tool, bin.toRealPath());
            for (String line : HostCommand.run(List.of("ldd", bin.toString()), 30).split("\n")) {
                String lib = library(line.strip());
                if (lib != null) out.put(lib.substring(1), Path.of(lib).toRealPath());
            }
        }
        return out;
    }

    /** "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x…)" or "/lib64/ld-linux-x86-64.so.2 (0x…)" → the path. */
    static String library(String line) {
        int arrow = line.indexOf("=> ");
        String rest = arrow >= 0 ? line.substring(arrow + 3) : line;
        if (!rest.startsWith("/")) return null;
        int paren = rest.indexOf(" (");
        return paren < 0 ? rest.strip() : rest.substring(0, paren);
    }

    private static Path which(String tool) throws IOException {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/local/bin"}) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        throw new IOException("shed image verify --boot needs " + tool + " on the host to run in the guest"
                + (tool.equals("getfattr") ? " (Debian package attr)" : " (coreutils)"));
    }
}
