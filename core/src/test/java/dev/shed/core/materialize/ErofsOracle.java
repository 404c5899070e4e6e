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

    /**
     * fsck.erofs without --extract, given the lower's devices: checks the superblock, device table, inodes,
     * directories, xattrs and indexes (it cannot read file data on extra devices, so no extraction).
     */
    static void fsckStructure(Lower lower) throws Exception {
        Integration.requireTool("fsck.erofs");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("fsck.erofs"));
        for (Path d : lower.devices()) cmd.add("--device=" + d);
        cmd.add(lower.path().toString());
        Processes.check(null, cmd.toArray(new String[0]));
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

    /**
     * Mounts a lower read-only, shared or flat, the way a host mounts a shared lower: the metadata image and each
     * data device attached read-only to a loop device ({@code losetup -r -f --show}), {@code -o ro,device=…} in the
     * lower's device order. Runs {@code body}, then unmounts and detaches every loop device, on every path.
     */
    static void mountedLower(Lower lower, Path mountpoint, ThrowingConsumer body) throws Exception {
        Integration.requireRoot();
        Files.createDirectories(mountpoint);
        java.util.List<String> loops = new java.util.ArrayList<>();
        boolean mounted = false;
        try {
            StringBuilder opts = new StringBuilder("ro");
            for (Path d : lower.devices()) opts.append(",device=").append(attach(loops, d));
            String meta = attach(loops, lower.path());
            Processes.check(null, "mount", "-t", "erofs", "-o", opts.toString(), meta, mountpoint.toString());
            mounted = true;
            body.accept(mountpoint);
        } finally {
            if (mounted) Processes.check(null, "umount", mountpoint.toString());
            for (String loop : loops) Processes.check(null, "losetup", "-d", loop);
        }
    }

    private static String attach(java.util.List<String> loops, Path file) throws Exception {
        String loop = Processes.check(null, "losetup", "-r", "-f", "--show", file.toString()).trim();
        loops.add(loop);
        return loop;
    }

    interface ThrowingConsumer {
        void accept(Path p) throws Exception;
    }
}
