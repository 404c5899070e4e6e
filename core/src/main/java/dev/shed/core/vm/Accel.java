package dev.shed.core.vm;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** How QEMU runs guest code: KVM when /dev/kvm opens read-write, else TCG (emulation, several times slower). */
public enum Accel {
    KVM, TCG;

    public static Accel detect() {
        try (FileChannel ignored = FileChannel.open(Path.of("/dev/kvm"), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return KVM;
        } catch (Exception e) {
            return TCG;
        }
    }

    /** The one-line warning for TCG, or null. */
    public String warning() {
        return this == TCG ? "warning: /dev/kvm is not usable; the VM runs under TCG emulation (slow)" : null;
    }
}
