package dev.shed.core.shed;

import dev.shed.core.materialize.Lower;
import dev.shed.core.store.StoreDirs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a shed as host mounts: the lower read-only (flat: one loop device; shared: the image plus one loop per
 * data device, see {@link LowerMounter}), an overlay with the shed's upper dir on top. It shells out to
 * mount(8)/umount(8)/losetup(8): Java 17 has no mount(2) or loop ioctl API (that needs JNI or the preview FFM
 * API), and those tools do the loop setup right — pick a free device race-free, set autoclear so umount
 * detaches it, and report errors in the kernel's words. A VM runner replaces all of this later.
 */
public final class MountRunner implements ShedRunner {
    private final MountTable table;
    private final LowerMounter mounter;

    /** A runner that mounts flat lowers only (no store to clean device loops in). */
    public MountRunner(MountTable table) {
        this(new LowerMounter(table, null, null));
    }

    public MountRunner(LowerMounter mounter) {
        this.table = mounter.table();
        this.mounter = mounter;
    }

    @Override
    public Path start(Shed shed, ShedPaths p, Path lower) throws IOException {
        return start(shed, p, new Lower(shed.manifest(), lower, Files.size(lower), false));
    }

    @Override
    public Path start(Shed shed, ShedPaths p, Lower lower) throws IOException {
        LowerMounter.requireHostMounts("shed start " + shed.name());
        for (Path dir : List.of(p.lowerMount(), p.upper(), p.work())) {
            String s = dir.toString();
            if (s.contains(",") || s.contains(":")) {
                throw new IOException("shed start " + shed.name() + ": store path " + s + " contains ',' or ':', which overlayfs options cannot carry");
            }
        }
        StoreDirs.createDirectories(p.lowerMount());
        StoreDirs.createDirectories(p.rootfs());
        StoreDirs.createDirectories(p.upper());
        StoreDirs.createDirectories(p.work(), StoreDirs.PRIVATE_DIR_MODE);
        if (!table.isMountPoint(p.lowerMount())) mounter.mount(lower, p.lowerMount());
        try {
            HostCommand.run("mount", "-t", "overlay", "overlay", "-o",
                    "lowerdir=" + p.lowerMount() + ",upperdir=" + p.upper() + ",workdir=" + p.work(), p.rootfs().toString());
        } catch (IOException e) {
            try {
                mounter.unmount(p.lowerMount());
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return p.rootfs();
    }

    @Override
    public void stop(Shed shed, ShedPaths p) throws IOException {
        mounter.unmount(p.rootfs());
        mounter.unmount(p.lowerMount());
        mounter.detachLeaked();
    }

    @Override
    public boolean isRunning(Shed shed, ShedPaths p) {
        return table.isMountPoint(p.rootfs());
    }
}
