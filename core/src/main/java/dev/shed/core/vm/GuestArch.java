package dev.shed.core.vm;

import dev.shed.core.oci.Digest;
import dev.shed.core.oci.ImageConfig;
import dev.shed.core.oci.Manifest;
import dev.shed.core.oci.Platform;
import dev.shed.core.store.ContentStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's CPU architecture, taken from the image's config: which QEMU runs it and how the machine, CPU and
 * console are spelled for it. amd64 guests get {@code -M microvm} (virtio-mmio described through ACPI), arm64
 * guests {@code -M virt} (virtio-mmio described by the device tree, a PL011 UART as console). Both take the same
 * {@code virtio-*-device} devices, so the rest of the QEMU line and the guest init are shared.
 */
public enum GuestArch {
    AMD64("amd64", "x86-64", 62, "qemu-system-x86_64", "qemu-system-x86"),
    ARM64("arm64", "aarch64", 183, "qemu-system-aarch64", "qemu-system-arm");

    private final String key;
    private final String elfName;
    private final int elfMachine;
    private final String qemu;
    private final String qemuPackage;

    GuestArch(String key, String elfName, int elfMachine, String qemu, String qemuPackage) {
        this.key = key;
        this.elfName = elfName;
        this.elfMachine = elfMachine;
        this.qemu = qemu;
        this.qemuPackage = qemuPackage;
    }

    /** The OCI architecture name (amd64, arm64), also the suffix of the per-arch vm.* settings. */
    public String key() { return key; }

    /** How {@code file} and the ELF spec name it (x86-64, aarch64), for messages about binaries. */
    public String elfName() { return elfName; }

    public String qemuBinary() { return qemu; }

    /** The Debian package that ships {@link #qemuBinary()}. */
    public String qemuPackage() { return qemuPackage; }

    /** The architecture this JVM runs on, or null when shed has no guest support for it. */
    public static GuestArch host() {
        return ofArchitecture(Platform.host().architecture());
    }

    /** amd64/x86_64 → AMD64, arm64/aarch64 → ARM64; null for anything else. */
    public static GuestArch ofArchitecture(String architecture) {
        String a = new Platform("linux", architecture, null).architecture();
        for (GuestArch g : values()) if (g.key.equals(a)) return g;
        return null;
    }

    /** The architecture of the image {@code manifest} names, from its config; an error for one shed cannot boot. */
    public static GuestArch ofImage(ContentStore blobs, Digest manifest) throws IOException {
        Manifest m = Manifest.parse(blobs.read(manifest), null);
        ImageConfig config = ImageConfig.parse(blobs.read(m.config().digest()), "config " + m.config().digest() + " of manifest " + manifest);
        if (config.architecture() == null) throw new IOException("image " + manifest + ": its config names no architecture");
        GuestArch g = ofArchitecture(config.architecture());
        if (g == null) {
            throw new IOException("image " + manifest + " is for " + config.architecture() + "; vm sheds boot amd64 and arm64 images");
        }
        return g;
    }

    /** The architecture an ELF header's e_machine names, or null (not ELF, or another machine). */
    public static GuestArch ofElf(byte[] header) {
        if (header.length < 20 || header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F' || header[5] != 1) return null;
        int machine = (header[18] & 0xff) | (header[19] & 0xff) << 8;
        for (GuestArch g : values()) if (g.elfMachine == machine) return g;
        return null;
    }

    /** How guest code runs: KVM only for a guest of the host's own architecture on a usable /dev/kvm. */
    public Accel accel() {
        return this == host() ? Accel.detect() : Accel.TCG;
    }

    /** The one-line warning for running this guest under {@code accel}, or null. */
    public String warning(Accel accel) {
        if (accel != Accel.TCG) return null;
        GuestArch host = host();
        if (this == host) return accel.warning();
        return "warning: the image is " + key + " and the host " + (host == null ? Platform.host().architecture() : host.key)
                + "; the VM runs under TCG emulation (slow)";
    }

    /** {@code -M} value: microvm with the PIT, PIC and RTC on (a TCG guest calibrates its clock and knows the time); virt with the best GIC. */
    String machine() {
        return this == AMD64 ? "microvm,pit=on,pic=on,rtc=on" : "virt,gic-version=max";
    }

    /** Accelerator and CPU model. virt's default CPU is a 32-bit Cortex-A15, so arm64 TCG asks for {@code max}. */
    List<String> accelArgs(Accel accel) {
        if (accel == Accel.KVM) return List.of("-accel", "kvm", "-cpu", "host");
        // pauth-impdef: QEMU's own pointer-authentication hash; the architected one (QARMA) is slow to emulate
        return this == AMD64 ? List.of("-accel", "tcg") : List.of("-accel", "tcg", "-cpu", "max,pauth-impdef=on");
    }

    /** The kernel parameters this architecture's console and reset need. */
    List<String> kernelParams(Accel accel) {
        if (this == ARM64) return List.of("console=ttyAMA0"); // virt's PL011; -no-reboot catches the PSCI reset
        // reboot=t: reset by triple fault at once. microvm has no keyboard controller, and the kernel's default
        // ACPI-then-keyboard reset could spin for minutes under TCG before -no-reboot ever saw the reset
        List<String> p = new ArrayList<>(List.of("console=ttyS0", "reboot=t"));
        // microvm has no HPET and TCG's PIT calibration fails: without a TSC frequency the kernel hangs at boot
        if (accel == Accel.TCG) p.addAll(List.of("tsc_early_khz=2000000", "lpj=4000000", "no_timer_check"));
        return p;
    }
}
