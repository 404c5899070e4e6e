package dev.shed.core.store;

import java.io.IOException;
import java.nio.file.Path;

/** Paths compared with what the kernel reports (mount points, loop backing files): symlinks resolved. */
public final class RealPaths {
    private RealPaths() {}

    /** The canonical path (symlinks resolved) when it exists, else the normalised absolute path. */
    public static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
