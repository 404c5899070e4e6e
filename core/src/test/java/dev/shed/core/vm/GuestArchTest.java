package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.shed.core.testing.GuestKernelFixture;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest architecture checks that run before any boot, against real files: Debian's amd64 and arm64 cloud
 * kernels (bzImage and Image headers, as `file` names them), the host's x86-64 busybox and Debian's aarch64
 * busybox-static (ELF e_machine). A kernel or busybox of the wrong architecture is refused naming the file, its
 * architecture, the image's and the setting to change; an arm64 guest never falls back to the host's kernel or
 * busybox, and the boot harness (host tools) refuses another architecture's image.
 */
class GuestArchTest {
    @TempDir
    Path tmp;

    static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

    static void assumeAmd64Host() {
        assumeTrue(GuestArch.host() == GuestArch.AMD64, "cross-architecture cases are written for an amd64 host");
    }

    @Test
    void kernelHeadersNameTheirArchitecture() throws Exception {
        GuestKernelFixture.Arm64Kit arm = GuestKernelFixture.requireArm64Files();
        assertThat(KernelImage.archOf(arm.kernel())).isEqualTo(GuestArch.ARM64);
        // Ubuntu and others ship the arm64 Image gzip'd (QEMU unpacks it for -kernel): the header is read inside
        Path gz = tmp.resolve("vmlinuz.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            Files.copy(arm.kernel(), out);
        }
        assertThat(KernelImage.archOf(gz)).isEqualTo(GuestArch.ARM64);
        Path amd = GuestKernelFixture.findAmd64();
        if (amd != null) assertThat(KernelImage.archOf(amd)).isEqualTo(GuestArch.AMD64);
        assertThat(KernelImage.archOf(arm.busybox())).as("an ELF executable names its machine").isEqualTo(GuestArch.ARM64);
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not a kernel at all\n");
        assertThat(KernelImage.archOf(text)).isNull();
    }

    @Test
    void aKernelOfTheWrongArchitectureIsRefusedNamingBoth() throws Exception {
        Path arm = GuestKernelFixture.requireArm64Files().kernel();
        VmSettings settings = new VmSettings(Map.of("vm.kernel", arm), 256L << 20);
        assertThatThrownBy(() -> new KernelLocator(null, settings.forArch(GuestArch.AMD64)).locate(Map.of()))
                .hasMessage("guest kernel " + arm + " (vm.kernel) is an arm64 kernel but the image is amd64; set an amd64 kernel with:"
                        + " shed config set vm.kernel.amd64 /path/to/vmlinuz");
        Path text = Files.writeString(tmp.resolve("vmlinuz-9"), "#!/bin/sh\n");
        VmSettings junk = new VmSettings(Map.of("vm.kernel.arm64", text), 256L << 20);
        assertThatThrownBy(() -> new KernelLocator(null, junk.forArch(GuestArch.ARM64)).locate(Map.of()))
                .hasMessageStartingWith("guest kernel " + text + " (vm.kernel.arm64) is not a kernel image shed recognizes");
    }

    @Test
    void anArm64KernelIsFoundByItsOwnKeyWithItsModulesBeside() throws Exception {
        Path arm = GuestKernelFixture.requireArm64Files().kernel();
        Path amd = tmp.resolve("x86-vmlinuz");
        VmSettings settings = new VmSettings(Map.of("vm.kernel", amd, "vm.modules", tmp, "vm.initrd", amd, "vm.kernel.arm64", arm), 256L << 20);
        GuestKernel k = new KernelLocator(null, settings.forArch(GuestArch.ARM64)).locate(Map.of());
        assertThat(k.kernel()).isEqualTo(arm);
        assertThat(k.origin()).isEqualTo("vm.kernel.arm64");
        assertThat(k.initrd()).as("vm.initrd belongs to vm.kernel, not to vm.kernel.arm64").isNull();
        assertThat(k.modules()).isEqualTo(arm.getParent().getParent().resolve("lib/modules/" + arm.getFileName().toString().substring("vmlinuz-".length())));
    }

    @Test
    void anArm64GuestNeverBootsTheHostsKernel() throws Exception {
        assumeAmd64Host();
        Path hostRoot = tmp.resolve("host");
        Files.createDirectories(hostRoot.resolve("boot"));
        Files.writeString(hostRoot.resolve("boot/vmlinuz-6.1.0-test"), "host kernel");
        KernelLocator locator = new KernelLocator(null, VmSettings.DEFAULTS.forArch(GuestArch.ARM64), hostRoot, "6.1.0-test");
        assertThatThrownBy(() -> locator.locate(Map.of())).hasMessage("no arm64 guest kernel: the image has no io.shed.kernel.digest annotation"
                + " and vm.kernel.arm64 is not set (the host's own kernel is not arm64); set one with: shed config set vm.kernel.arm64"
                + " /path/to/vmlinuz (its modules: shed config set vm.modules.arm64 /path/to/lib/modules/RELEASE)");
    }

    @Test
    void busyboxMustRunOnTheGuest() throws Exception {
        assumeAmd64Host();
        assumeTrue(Files.isRegularFile(HOST_BUSYBOX), "busybox-static not installed");
        GuestKernel kernel = new GuestKernel(tmp.resolve("vmlinuz"), null, null, "test");
        assertThat(GuestArch.ofElf(Files.readAllBytes(HOST_BUSYBOX))).isEqualTo(GuestArch.AMD64);

        assertThatThrownBy(() -> new BootFiles(VmSettings.DEFAULTS.forArch(GuestArch.ARM64), tmp).initrd(kernel, false, false))
                .hasMessageStartingWith("no arm64 busybox for the initrd: the host's is not arm64; set one with: shed config set vm.busybox.arm64");
        VmSettings x86 = new VmSettings(Map.of("vm.busybox", HOST_BUSYBOX), 256L << 20);
        assertThatThrownBy(() -> new BootFiles(x86.forArch(GuestArch.ARM64), tmp).initrd(kernel, false, false))
                .hasMessageStartingWith("busybox /bin/busybox (vm.busybox) is an x86-64 binary but the image is arm64;"
                        + " set an aarch64 one with: shed config set vm.busybox.arm64 PATH");

        Path arm = GuestKernelFixture.requireArm64Files().busybox();
        VmSettings both = new VmSettings(Map.of("vm.busybox", HOST_BUSYBOX, "vm.busybox.arm64", arm), 256L << 20);
        Path initrd = new BootFiles(both.forArch(GuestArch.ARM64), tmp).initrd(kernel, false, false);
        assertThat(Files.size(initrd)).isPositive();
        VmSettings armOnly = new VmSettings(Map.of("vm.busybox", arm), 256L << 20);
        assertThatThrownBy(() -> new BootFiles(armOnly.forArch(GuestArch.AMD64), tmp).initrd(kernel, false, false))
                .hasMessageStartingWith("busybox " + arm + " (vm.busybox) is an aarch64 binary but the image is amd64");
    }

    @Test
    void theBootHarnessRefusesAnotherArchitecturesImage() {
        assumeAmd64Host();
        assertThatThrownBy(() -> HarnessTools.resolve(GuestArch.ARM64)).hasMessage("shed image verify --boot runs the host's GNU stat, sha256sum"
                + " and getfattr in the guest, so it needs an image of the host's architecture (amd64); this image is arm64: verify it on an arm64 host");
    }

    @Test
    void kvmOnlyForTheHostsOwnArchitecture() {
        GuestArch host = GuestArch.host();
        assumeTrue(host != null);
        GuestArch other = host == GuestArch.AMD64 ? GuestArch.ARM64 : GuestArch.AMD64;
        assertThat(other.accel()).isEqualTo(Accel.TCG);
        assertThat(other.warning(Accel.TCG)).isEqualTo("warning: the image is " + other.key() + " and the host " + host.key()
                + "; the VM runs under TCG emulation (slow)");
        assertThat(host.accel()).isEqualTo(Accel.detect());
    }
}
