package dev.shed.core.materialize;

import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** Reads EROFS images with tools no one here wrote: fsck.erofs --extract, and the kernel via a loop mount. */
final class ErofsOracle {
    private ErofsOracle() {}

    /** fsck.erofs checks every file's encoding and extracts (as root: owners and permissions kept). */
    static Path fsckExtract(Path image, Path dir) throws Exception {
        Integration.requireTool("fsck.erofs");
        Processes.check(null, "fsck.erofs", "--extract=" + dir, "--preserve", image.toString());
        return dir;
    }

    /** Mounts read-only, runs {@code body} on the mounted tree, unmounts. */
    static void mounted(Path image, Path mountpoint, ThrowingConsumer body) throws Exception {
        Integration.requireRoot();
        Files.createDirectories(mountpoint);
        Processes.check(null, "mount", "-t", "erofs", "-o", "loop,ro", image.toString(), mountpoint.toString());
        try {
            body.accept(mountpoint);
        } finally {
            Processes.check(null, "umount", mountpoint.toString());
        }
    }

    interface ThrowingConsumer {
        void accept(Path p) throws Exception;
    }
}
