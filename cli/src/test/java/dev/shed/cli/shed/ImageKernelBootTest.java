package dev.shed.cli.shed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shed.cli.Shed;
import dev.shed.cli.Shed.Result;
import dev.shed.core.testing.GuestKernelFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kernel that travels inside the image: Debian's 6.1 cloud kernel (its drivers are modules) is attached with
 * {@code shed image kernel --modules}, the image is saved and loaded into a fresh store that has no vm.kernel and
 * whose host has no /boot kernel of that release, and a shed of it boots. Oracle: the guest kernel's own
 * {@code uname -r}, which must be the release of the attached file.
 */
class ImageKernelBootTest {
    @TempDir
    Path tmp;
    Path fresh;

    @AfterEach
    void stop() {
        if (fresh != null) Shed.run(fresh, "stop", "dev");
    }

    @Test
    void aShedBootsTheKernelItsImageCarriedThroughSaveAndLoad() throws Exception {
        Path kernel = GuestKernelFixture.require();
        String release = kernel.getFileName().toString().substring("vmlinuz-".length());
        Path modules = kernel.getParent().getParent().resolve("lib/modules/" + release);
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        Files.createSymbolicLink(rootfs.resolve("uname"), Path.of("busybox"));

        Path first = tmp.resolve("first");
        ok(Shed.run(first, "image", "import", tmp.resolve("rootfs").toString(), "-t", "bb"));
        ok(Shed.run(first, "image", "kernel", "bb", "--kernel", kernel.toString(), "--modules", modules.toString()));
        // the harness can't use the image's initrd (no listing tools in it): it checks the lower with vm.kernel instead
        assertThat(Shed.run(first, "image", "verify", "bb", "--boot").err()).contains("the image has an initrd of its own");
        ok(Shed.run(first, "config", "set", "vm.kernel", kernel.toString()));
        Result verify = Shed.run(first, "image", "verify", "bb", "--boot");
        assertThat(verify.exit()).as(verify.out() + verify.err()).isZero();
        assertThat(verify.out()).matches("(?s)\\d+ entries, 0 differences\\n");
        Path archive = tmp.resolve("bb.tar");
        ok(Shed.run(first, "image", "save", "bb", "-o", archive.toString()));

        fresh = tmp.resolve("fresh");
        ok(Shed.run(fresh, "image", "load", "-i", archive.toString()));
        assertThat(Shed.run(fresh, "config", "get", "vm.kernel").out().strip()).as("no configured kernel to fall back on").isEmpty();
        assertThat(Path.of("/boot/vmlinuz-" + Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip()))
                .as("a host kernel shed could fall back on").doesNotExist();
        ok(Shed.run(fresh, "create", "dev", "--image", "bb"));
        ok(Shed.run(fresh, "start", "dev"));
        // exec writes the guest's output to the process's own stdout: another JVM (surefire reads this one's)
        Result uname = Shed.runProcess(fresh, tmp, "uname", "exec", "dev", "--", "/bin/uname", "-r");
        assertThat(uname.exit()).as(uname.err()).isZero();
        assertThat(uname.out()).isEqualTo(release + "\n");
        ok(Shed.run(fresh, "stop", "dev"));
        ok(Shed.run(fresh, "rm", "dev"));
    }

    private static void ok(Result r) {
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
    }
}
