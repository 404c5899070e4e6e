package dev.shed.core.shed;

import dev.shed.core.materialize.Lower;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a shed on its lower. {@link MountRunner} mounts the erofs and an overlay on the host; a microVM runner
 * will boot a VM with the erofs as its single lower instead. Running state must outlive the shed process (a
 * mount, a VM process) and be read back from the system, not from shed's records.
 */
public interface ShedRunner {
    /** Starts {@code shed} on a flat lower image; returns what to show the user (the rootfs path for mounts). */
    Path start(Shed shed, ShedPaths paths, Path lower) throws IOException;

    /**
     * Starts {@code shed} on {@code lower}: its image and, for a shared lower, its data devices in mount order
     * ({@link Lower#devices()}; a VM gets each as one more disk). {@link ShedManager} calls this one; the default
     * serves runners that only know flat lowers.
     */
    default Path start(Shed shed, ShedPaths paths, Lower lower) throws IOException {
        if (!lower.devices().isEmpty()) {
            throw new IOException("shed start " + shed.name() + ": this runner cannot use a shared lower (data devices "
                    + lower.devices() + "); set materialize.layout flat");
        }
        return start(shed, paths, lower.path());
    }

    /** Stops it; also cleans up a half-started or externally broken shed. Idempotent. */
    void stop(Shed shed, ShedPaths paths) throws IOException;

    boolean isRunning(Shed shed, ShedPaths paths);

    /** Called by create once the shed's dirs exist: makes its writable layer (the vm runtime's upper disk). */
    default void prepare(Shed shed, ShedPaths paths) throws IOException {}

    /** What {@code start} answers for a shed already running: its rootfs for mounts; a VM refuses. */
    default Path whenRunning(Shed shed, ShedPaths paths) throws IOException {
        return paths.rootfs();
    }
}
