package dev.shed.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gates for tests that need real third-party parts (umoci, skopeo, fsck.erofs, docker-registry, root for loop
 * mounts). Without the part they skip, unless SHED_REQUIRE_INTEGRATION is set (CI sets it): then they fail, so a
 * missing install step can never turn into a silently green run.
 */
public final class Integration {
    private Integration() {}

    public static boolean required() {
        String v = System.getenv("SHED_REQUIRE_INTEGRATION");
        return v != null && !v.isEmpty() && !v.equals("0");
    }

    /** Skips (or fails under SHED_REQUIRE_INTEGRATION) unless {@code tool} is on the PATH. Returns its path. */
    public static Path requireTool(String tool) {
        Path found = which(tool);
        if (found == null && required()) {
            throw new AssertionError(tool + " is not installed but SHED_REQUIRE_INTEGRATION is set");
        }
        assumeTrue(found != null, tool + " not installed");
        return found;
    }

    /** Skips (or fails under SHED_REQUIRE_INTEGRATION) unless running as root (loop and overlay mounts). */
    public static void requireRoot() {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root && required()) throw new AssertionError("root needed for mount tests but SHED_REQUIRE_INTEGRATION is set");
        assumeTrue(root, "not root");
    }

    public static Path which(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin"}) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
