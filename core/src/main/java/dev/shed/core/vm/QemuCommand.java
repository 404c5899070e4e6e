package dev.shed.core.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The QEMU command line for a {@link VmLaunch}: the guest architecture's QEMU and machine ({@link GuestArch}:
 * microvm or virt, both with virtio-mmio devices the guest finds without {@code virtio_mmio.device=} parameters),
 * the kernel and initrd given directly, QEMU daemonized with a pid file, and {@code -no-reboot} so a guest reset
 * ends the process.
 */
public final class QemuCommand {
    private QemuCommand() {}

    public static List<String> of(VmLaunch l, boolean daemonize) {
        List<String> c = new ArrayList<>(List.of(l.arch().qemuBinary(), "-name", l.name(), "-M", l.arch().machine(),
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-smp", "1",
                "-m", (l.memoryBytes() >> 20) + "M"));
        c.addAll(l.arch().accelArgs(l.accel()));
        c.addAll(List.of("-kernel", l.kernel().toString(), "-initrd", l.initrd().toString(), "-append", cmdline(l)));
        if (l.console() != null && l.console().socket() == null) {
            c.addAll(List.of("-chardev", "file,id=console,path=" + opt(l.console().log()), "-serial", "chardev:console"));
        } else if (l.console() != null) {
            c.addAll(List.of("-chardev", "socket,id=console,path=" + opt(l.console().socket()) + ",server=on,wait=off,logfile="
                    + opt(l.console().log()) + ",logappend=on", "-serial", "chardev:console"));
        } else {
            c.addAll(List.of("-serial", "null"));
        }
        int i = 0;
        for (VmLaunch.Disk d : l.disks()) {
            String id = "disk" + i++;
            c.addAll(List.of("-drive", "id=" + id + ",file=" + opt(d.file()) + ",format=raw,if=none,cache=writeback"
                    + (d.readOnly() ? ",readonly=on" : ""), "-device", "virtio-blk-device,drive=" + id + ",serial=" + d.serial()));
        }
        if (!l.ports().isEmpty()) {
            c.addAll(List.of("-device", "virtio-serial-device"));
            i = 0;
            for (VmLaunch.Port p : l.ports()) {
                String id = "port" + i++;
                String chardev = p.socket() != null ? "socket,id=" + id + ",path=" + opt(p.socket()) + ",server=on,wait=off"
                        : "file,id=" + id + ",path=" + opt(p.file());
                c.addAll(List.of("-chardev", chardev, "-device", (p.terminal() ? "virtconsole" : "virtserialport") + ",chardev=" + id + ",name=" + p.name()));
            }
        }
        if (!l.publish().isEmpty()) {
            StringBuilder net = new StringBuilder("user,id=net0");
            for (PortMapping m : l.publish()) net.append(",hostfwd=tcp:127.0.0.1:").append(m.hostPort()).append("-:").append(m.guestPort());
            c.addAll(List.of("-netdev", net.toString(), "-device", "virtio-net-device,netdev=net0"));
        }
        if (daemonize) c.add("-daemonize");
        if (l.pidFile() != null) c.addAll(List.of("-pidfile", l.pidFile().toString()));
        return c;
    }

    /** Kernel parameters: the architecture's console, reset and clock ones, no reboot loop on panic, then shed's own. */
    static String cmdline(VmLaunch l) {
        List<String> p = new ArrayList<>(l.arch().kernelParams(l.accel()));
        // cryptomgr.notests: skip the crypto self-tests, ~0.3 s of a 1.2 s TCG kernel boot (crypto_algapi_init in
        // initcall_debug); the algorithms themselves are unchanged, and fips=1 would run the tests regardless
        p.addAll(List.of("panic=-1", "quiet", "rw", "cryptomgr.notests"));
        p.addAll(l.initArgs());
        return String.join(" ", p);
    }

    /** QEMU option values escape a comma by doubling it. */
    static String opt(Path p) {
        return p.toString().replace(",", ",,");
    }
}
