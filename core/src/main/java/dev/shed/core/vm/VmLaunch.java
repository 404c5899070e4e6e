package dev.shed.core.vm;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything one QEMU run needs, independent of how the command line spells it.
 *
 * @param name        shown by ps (-name)
 * @param kernel      guest kernel
 * @param initrd      guest initrd
 * @param initArgs    shed.* parameters for the guest init (mode, devices, upper, net)
 * @param memoryBytes guest RAM
 * @param disks       virtio-blk disks, found by the guest by serial
 * @param ports       virtio-serial ports, found by the guest by name
 * @param console     the serial console (unix socket + log file), or null to discard it
 * @param publish     host ports forwarded to the guest (user-mode networking; none = no NIC)
 * @param pidFile     where QEMU writes its pid
 * @param accel       how to run guest code
 * @param arch        the guest's architecture: which QEMU, machine and console
 */
public record VmLaunch(String name, Path kernel, Path initrd, List<String> initArgs, long memoryBytes, List<Disk> disks,
                       List<Port> ports, Console console, List<PortMapping> publish, Path pidFile, Accel accel,
                       GuestArch arch) {
    public VmLaunch {
        initArgs = List.copyOf(initArgs);
        disks = List.copyOf(disks);
        ports = List.copyOf(ports);
        publish = List.copyOf(publish);
    }

    /** A raw disk image; {@code serial} (at most 20 bytes) is how the guest finds it. */
    public record Disk(Path file, String serial, boolean readOnly) {}

    /**
     * A virtio-serial port backed by a unix socket QEMU listens on, or by a file QEMU writes; a {@code terminal}
     * port is a virtconsole, which the guest sees as a tty (/dev/hvcN) rather than a byte pipe.
     */
    public record Port(String name, Path socket, Path file, boolean terminal) {
        public static Port socket(String name, Path socket) {
            return new Port(name, socket, null, false);
        }

        public static Port file(String name, Path file) {
            return new Port(name, null, file, false);
        }

        public static Port terminal(String name, Path socket) {
            return new Port(name, socket, null, true);
        }
    }

    /** The serial console: a unix socket to attach to, and a log file QEMU appends everything to. */
    public record Console(Path socket, Path log) {}
}
