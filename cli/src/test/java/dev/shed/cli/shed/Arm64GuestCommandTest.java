package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.testing.GuestKernelFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An arm64 image on this (x86) host: {@code shed image import --platform linux/arm64} of a rootfs holding Debian's
 * aarch64 busybox-static, a vm shed on it booted by qemu-system-aarch64 {@code -M virt} under TCG with Debian's
 * arm64 cloud kernel, and the guest's own {@code uname -m} as the oracle. The boot harness refuses the image
 * (it runs host tools in the guest). About 11 s of emulated boot here.
 */
class Arm64GuestCommandTest {
    @TempDir
    Path tmp;
    Path root;

    Result shed(String... args) {
        return Shed.run(root, args);
    }

    @AfterEach
    void stop() {
        if (root != null) shed("stop", "arm");
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void anArm64ImageBootsUnderEmulationAndRunsAarch64Code() throws Exception {
        GuestKernelFixture.Arm64Kit kit = GuestKernelFixture.requireArm64();
        root = tmp.resolve("store");
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/bin"));
        Files.createDirectories(tmp.resolve("rootfs/tmp"));
        Files.copy(kit.busybox(), rootfs.resolve("busybox"));
        for (String applet : List.of("sh", "uname", "cat", "sync")) Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox"));
        Result imported = shed("image", "import", "--platform", "linux/arm64", "-t", "bb-arm64", tmp.resolve("rootfs").toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(shed("config", "set", "vm.kernel.arm64", kit.kernel().toString()).exit()).isZero();

        Result noBusybox = shed("create", "--image", "bb-arm64", "arm");
        assertThat(noBusybox.exit()).as(noBusybox.err()).isZero();
        Result refused = shed("start", "arm");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("shed: error: no arm64 busybox for the initrd: the host's is not arm64; set one with: shed config set vm.busybox.arm64");

        assertThat(shed("config", "set", "vm.busybox.arm64", kit.busybox().toString()).exit()).isZero();
        Path logs = Files.createDirectories(tmp.resolve("logs"));
        long t0 = System.nanoTime();
        Result started = Shed.runProcess(root, logs, "start", "start", "arm"); // its own JVM: the warning goes to stderr
        assertThat(started.exit()).as(started.err()).isZero();
        assertThat(started.err()).contains("warning: the image is arm64 and the host amd64; the VM runs under TCG emulation (slow)");
        System.out.printf("arm64 TCG boot to exec-ready: %.1f s%n", (System.nanoTime() - t0) / 1e9);

        Result uname = Shed.runProcess(root, logs, "uname", "exec", "arm", "--", "uname", "-m");
        assertThat(uname.exit()).as(uname.err()).isZero();
        assertThat(uname.out()).isEqualTo("aarch64\n");
        // shed exec -t's terminal is a virtconsole on virt too
        Result tty = Shed.runProcess(root, logs, "tty", "exec", "-t", "arm", "--", "busybox", "tty");
        assertThat(tty.out()).as(tty.err()).isEqualTo("/dev/hvc0\r\n");

        Result verify = shed("image", "verify", "bb-arm64", "--boot");
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.err()).contains("verify --boot runs the host's GNU stat, sha256sum and getfattr in the guest");

        assertThat(shed("stop", "arm").exit()).isZero();
        assertThat(shed("rm", "arm").exit()).isZero();
        assertThat(shed("ls").out()).doesNotContain("arm");
    }
}
