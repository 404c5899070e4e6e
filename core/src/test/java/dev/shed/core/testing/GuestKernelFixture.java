package dev.shed.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The guest kernel boot tests use: Debian's linux-image-cloud-amd64 (6.1, erofs as a module) unpacked with
 * dpkg-deb into /var/cache/shed-test-kernel by .ci/run, or the vmlinuz named by the system property
 * {@code shed.test.kernel} / the environment variable {@code SHED_TEST_KERNEL}. Its modules are found beside it
 * (lib/modules/RELEASE). Skips without it, QEMU or busybox; fails instead under SHED_REQUIRE_INTEGRATION.
 * For arm64 guests (emulated on an x86 host): linux-image-cloud-arm64 in /var/cache/shed-test-kernel-arm64 and
 * busybox-static:arm64 in /var/cache/shed-test-busybox-arm64, both fetched by .ci/run the same way
 * ({@code SHED_TEST_KERNEL_ARM64}, {@code SHED_TEST_BUSYBOX_ARM64}).
 */
public final class GuestKernelFixture {
    public static final Path DEFAULT_DIR = Path.of("/var/cache/shed-test-kernel");
    public static final Path ARM64_DIR = Path.of("/var/cache/shed-test-kernel-arm64");
    public static final Path ARM64_BUSYBOX = Path.of("/var/cache/shed-test-busybox-arm64/bin/busybox");

    /** An arm64 guest's kernel and static busybox. */
    public record Arm64Kit(Path kernel, Path busybox) {}

    private GuestKernelFixture() {}

    /** The kernel to boot, after checking QEMU and a static busybox are there. */
    public static Path require() {
        Integration.requireTool("qemu-system-x86_64");
        Integration.requireTool("mkfs.ext4");
        Integration.requireTool("getfattr");
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox) && Integration.required()) throw new AssertionError("busybox-static is not installed but SHED_REQUIRE_INTEGRATION is set");
        assumeTrue(Files.isExecutable(busybox), "busybox-static not installed");
        return present(find(DEFAULT_DIR, "shed.test.kernel", "SHED_TEST_KERNEL"), "guest kernel", DEFAULT_DIR + " (SHED_TEST_KERNEL)");
    }

    /** The amd64 kernel when it is there, else null (no skip): for tests that only read its header. */
    public static Path findAmd64() {
        return find(DEFAULT_DIR, "shed.test.kernel", "SHED_TEST_KERNEL");
    }

    /** The arm64 kernel and busybox without QEMU: for tests that only read them. */
    public static Arm64Kit requireArm64Files() {
        Path kernel = present(find(ARM64_DIR, "shed.test.kernel.arm64", "SHED_TEST_KERNEL_ARM64"), "arm64 guest kernel",
                ARM64_DIR + " (SHED_TEST_KERNEL_ARM64)");
        String named = System.getenv("SHED_TEST_BUSYBOX_ARM64");
        Path busybox = named != null && !named.isEmpty() ? Path.of(named) : ARM64_BUSYBOX;
        return new Arm64Kit(kernel, present(Files.isRegularFile(busybox) ? busybox : null, "arm64 busybox", busybox + " (SHED_TEST_BUSYBOX_ARM64)"));
    }

    /** The arm64 kit plus what booting it needs (qemu-system-aarch64 from qemu-system-arm). */
    public static Arm64Kit requireArm64() {
        Integration.requireTool("qemu-system-aarch64");
        Integration.requireTool("mkfs.ext4");
        return requireArm64Files();
    }

    private static Path present(Path p, String what, String where) {
        if (p == null && Integration.required()) {
            throw new AssertionError("no " + what + " in " + where + ", run .ci/run's kernel fetch, but SHED_REQUIRE_INTEGRATION is set");
        }
        assumeTrue(p != null, "no " + what + " in " + where);
        return p;
    }

    static Path find(Path dir, String property, String env) {
        String named = System.getProperty(property, System.getenv(env));
        if (named != null && !named.isEmpty()) return Files.isRegularFile(Path.of(named)) ? Path.of(named) : null;
        try (Stream<Path> s = Files.list(dir.resolve("boot"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
