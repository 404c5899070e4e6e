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
 */
public final class GuestKernelFixture {
    public static final Path DEFAULT_DIR = Path.of("/var/cache/shed-test-kernel");

    private GuestKernelFixture() {}

    /** The kernel to boot, after checking QEMU and a static busybox are there. */
    public static Path require() {
        Integration.requireTool("qemu-system-x86_64");
        Integration.requireTool("mkfs.ext4");
        Integration.requireTool("getfattr");
        Path busybox = Path.of("/bin/busybox");
        if (!Files.isExecutable(busybox) && Integration.required()) throw new AssertionError("busybox-static is not installed but SHED_REQUIRE_INTEGRATION is set");
        assumeTrue(Files.isExecutable(busybox), "busybox-static not installed");
        Path kernel = find();
        if (kernel == null && Integration.required()) {
            throw new AssertionError("no guest kernel (set SHED_TEST_KERNEL or run .ci/run's kernel fetch) but SHED_REQUIRE_INTEGRATION is set");
        }
        assumeTrue(kernel != null, "no guest kernel in " + DEFAULT_DIR + " (SHED_TEST_KERNEL)");
        return kernel;
    }

    static Path find() {
        String named = System.getProperty("shed.test.kernel", System.getenv("SHED_TEST_KERNEL"));
        if (named != null && !named.isEmpty()) return Files.isRegularFile(Path.of(named)) ? Path.of(named) : null;
        try (Stream<Path> s = Files.list(DEFAULT_DIR.resolve("boot"))) {
            return s.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }
}
