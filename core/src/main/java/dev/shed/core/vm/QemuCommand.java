package dev.shed.core.vm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The qemu-system-x86_64 command line for a {@link VmLaunch}: machine {@code microvm} (virtio-mmio devices,
 * described to the guest through ACPI, so no {@code virtio_mmio.device=} parameters are needed; the PIT, PIC and
 * RTC are on so a TCG guest calibrates its clock and knows the time of day), the kernel and initrd given directly,
 * QEMU daemonized with a pid file, and {@code -no-reboot} so a guest reset ends the process.
 */
public final class QemuCommand {
    public static final String BINARY = "qemu-system-x86_64";

    private QemuCommand() {}

    public static List<String> of(VmLaunch l, boolean daemonize) {
        List<String> c = new ArrayList<>(List.of(BINARY, "-name", l.name(), "-M", "microvm,pit=on,pic=on,rtc=on",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot", "-smp", "1",
                "-m", (l.memoryBytes() >> 20) + "M"));
        if (l.accel() == Accel.KVM) c.addAll(List.of("-accel", "kvm", "-cpu", "host"));
        else c.addAll(List.of("-accel", "tcg"));
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
                c.addAll(List.of("-chardev", chardev, "-device", "virtserialport,chardev=" + id + ",name=" + p.name()));
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

    /** Kernel parameters: serial console, no reboot loop on panic, immediate reset, TCG clock hints, then shed's own. */
    static String cmdline(VmLaunch l) {
        // reboot=t: reset by triple fault at once. microvm has no keyboard controller, and the kernel's default
        // ACPI-then-keyboard reset could spin for minutes under TCG before -no-reboot ever saw the reset
        // cryptomgr.notests: skip the crypto self-tests, ~0.3 s of a 1.2 s TCG kernel boot (crypto_algapi_init in
        // initcall_debug); the algorithms themselves are unchanged, and fips=1 would run the tests regardless
        List<String> p = new ArrayList<>(List.of("console=ttyS0", "panic=-1", "reboot=t", "quiet", "rw", "cryptomgr.notests"));
        // microvm has no HPET and TCG's PIT calibration fails: without a TSC frequency the kernel hangs at boot
        if (l.accel() == Accel.TCG) p.addAll(List.of("tsc_early_khz=2000000", "lpj=4000000", "no_timer_check"));
        p.addAll(l.initArgs());
        return String.join(" ", p);
    }

    /** QEMU option values escape a comma by doubling it. */
    static String opt(Path p) {
        return p.toString().replace(",", ",,");
    }
}
