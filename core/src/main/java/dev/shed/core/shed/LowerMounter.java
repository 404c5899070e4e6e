package dev.shed.core.shed;

import dev.shed.core.materialize.Lower;
import dev.shed.core.store.FileLocks;
import dev.shed.core.store.RealPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Mounts a lower read-only on the host — the one way every consumer ({@code shed start}, {@code shed image
 * mount}) does it. A flat lower is {@code mount -t erofs -o loop,ro IMAGE DIR}. A shared lower's data devices are
 * each attached read-only ({@code losetup -r -f --show}), then {@code mount -t erofs -o ro,device=/dev/loopA,…
 * IMAGE DIR} (device order = the image's device table), then the device loops are detached at once: the kernel
 * makes a detach of a busy loop lazy (autoclear), so they go by themselves when the erofs is unmounted, even by
 * hand or after shed is killed. mount(8) gives the image's own loop autoclear too. (util-linux 2.38 loop-mounts a
 * regular-file source, and then erofs wants block devices in {@code device=}: file paths there fail, so the
 * kernel's file-backed mode is not reachable through mount(8).)
 *
 * <p>Between attach and detach a crash would leave device loops without autoclear. Mounts hold the
 * {@value #ATTACH_LOCK} lock shared across that window; {@link #detachLeaked} takes it exclusively (try) and
 * detaches every loop on a file in the store's device directory that lacks autoclear — only a crashed attach
 * leaves such a loop (a detach of one that a crashed mount still uses just makes it lazy, which is right too).
 */
public final class LowerMounter {
    static final String ATTACH_LOCK = "loop-attach";

    private final MountTable table;
    private final FileLocks locks;
    private final Path devicesDir;

    /** {@code devicesDir}: where the store's data devices live (cache/layers/sha256), for leak cleanup. */
    public LowerMounter(MountTable table, FileLocks locks, Path devicesDir) {
        this.table = table;
        this.locks = locks;
        this.devicesDir = devicesDir;
    }

    /** The mounter for {@code store}: its locks, its data-device directory. */
    public static LowerMounter forStore(dev.shed.core.store.Store store, MountTable table) {
        return new LowerMounter(table, store.locks(), dev.shed.core.cache.CacheDir.devicesDir(store.layout()));
    }

    public MountTable table() {
        return table;
    }

    /** Mounts {@code lower} read-only at {@code dir}; on any failure nothing stays mounted or attached. */
    public void mount(Lower lower, Path dir) throws IOException {
        requireHostMounts("mounting " + lower.path());
        if (lower.devices().isEmpty()) {
            HostCommand.run("mount", "-t", "erofs", "-o", "loop,ro", lower.path().toString(), dir.toString());
            return;
        }
        for (Path d : lower.devices()) {
            if (!Files.isRegularFile(d)) throw new IOException("data device " + d + " of lower " + lower.path() + " is missing");
        }
        if (locks == null) throw new IOException("mounting " + lower.path() + ": this mounter has no store to attach data devices in");
        List<String> loops = new ArrayList<>();
        try (FileLocks.Held attaching = locks.shared(ATTACH_LOCK)) {
            boolean mounted = false;
            try {
                for (Path d : lower.devices()) loops.add(HostCommand.run("losetup", "-r", "-f", "--show", d.toString()));
                StringBuilder options = new StringBuilder("ro");
                for (String loop : loops) options.append(",device=").append(loop);
                HostCommand.run("mount", "-t", "erofs", "-o", options.toString(), lower.path().toString(), dir.toString());
                mounted = true;
            } finally {
                // mounted: the detach is lazy (autoclear at umount); failed: the loops go now. A detach that fails
                // after a good mount leaves a loop without autoclear, which detachLeaked() makes lazy later
                try {
                    detach(loops);
                } catch (IOException e) {
                    if (!mounted) throw e;
                }
            }
        }
    }

    /** Unmounts {@code dir} if it is a mount point; its loops (image and devices) detach with it. */
    public boolean unmount(Path dir) throws IOException {
        if (!table.isMountPoint(dir)) return false;
        HostCommand.run("umount", dir.toString());
        return true;
    }

    /**
     * Detaches data-device loops a crashed mount left (no autoclear, on a file in the device directory) when no
     * mount is between attach and detach now. Returns the loop devices detached; empty when not root.
     */
    public List<Path> detachLeaked() throws IOException {
        if (devicesDir == null || !isRoot()) return List.of();
        Path dir = RealPaths.real(devicesDir);
        List<MountTable.LoopDevice> leaked = table.loopDevices().stream()
                .filter(l -> !l.autoclear() && dir.equals(l.backingFile().getParent())).toList();
        if (leaked.isEmpty()) return List.of();
        Optional<FileLocks.Held> lock = locks.tryExclusive(ATTACH_LOCK);
        if (lock.isEmpty()) return List.of();
        try (FileLocks.Held held = lock.get()) {
            List<Path> out = new ArrayList<>();
            for (MountTable.LoopDevice l : table.loopDevices()) {
                if (l.autoclear() || !dir.equals(l.backingFile().getParent())) continue;
                HostCommand.run("losetup", "-d", l.device().toString());
                out.add(l.device());
            }
            return out;
        }
    }

    private static void detach(List<String> loops) throws IOException {
        IOException first = null;
        for (String loop : loops) {
            try {
                HostCommand.run("losetup", "-d", loop);
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** Host mounts need Linux and root; the error says which is missing. */
    static void requireHostMounts(String what) throws IOException {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            throw new IOException(what + ": mounting needs Linux");
        }
        if (!isRoot()) throw new IOException(what + ": mounting needs root");
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return false;
    }
}
