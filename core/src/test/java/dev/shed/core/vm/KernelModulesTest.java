package dev.shed.core.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shed.core.testing.GuestKernelFixture;
import dev.shed.core.testing.Integration;
import dev.shed.core.testing.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which modules shed's initrd loads for Debian's 6.1 cloud kernel, whose package ships no modules.dep: the
 * dependencies read from each module's .modinfo must be the ones kmod's depmod computes (the oracle, run into a
 * scratch dir), and come dependencies first; the same for the arm64 cloud kernel (aarch64 modules, read on this
 * host). A tree without erofs is refused before any boot.
 */
class KernelModulesTest {
    @TempDir
    Path tmp;

    static Path modulesDir(Path kernel) {
        Path dir = KernelLocator.modulesBeside(kernel);
        assertThat(dir).as("lib/modules beside " + kernel).isNotNull();
        return dir;
    }

    @Test
    void dependenciesMatchDepmodAndComeFirst() throws Exception {
        List<String> order = assertMatchesDepmod(modulesDir(GuestKernelFixture.require()));
        assertThat(order).contains("libcrc32c");
    }

    /** The arm64 kernel's virtio_mmio is a module too: the same module list serves both architectures. */
    @Test
    void arm64DependenciesMatchDepmodAndComeFirst() throws Exception {
        assertMatchesDepmod(modulesDir(GuestKernelFixture.requireArm64Files().kernel()));
    }

    private List<String> assertMatchesDepmod(Path dir) throws Exception {
        Path depmod = Integration.requireTool("depmod");
        String release = dir.getFileName().toString();
        // depmod writes into its base dir: give it a scratch tree whose kernel/ is the real one
        Path scratch = Files.createDirectories(tmp.resolve("lib/modules").resolve(release));
        Files.createSymbolicLink(scratch.resolve("kernel"), dir.resolve("kernel"));
        for (String f : List.of("modules.builtin", "modules.order", "modules.builtin.modinfo")) Files.copy(dir.resolve(f), scratch.resolve(f));
        Processes.check(null, depmod.toString(), "-b", tmp.toString(), release);
        Map<String, Set<String>> oracle = new HashMap<>();
        for (String line : Files.readAllLines(tmp.resolve("lib/modules").resolve(release).resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            Set<String> deps = new HashSet<>();
            for (String d : line.substring(colon + 1).trim().split("\\s+")) if (!d.isEmpty()) deps.add(KernelModules.nameOf(d));
            oracle.put(KernelModules.nameOf(line.substring(0, colon)), deps);
        }

        List<String> wanted = new ArrayList<>(BootFiles.BASE_MODULES);
        wanted.addAll(BootFiles.NET_MODULES);
        KernelModules tree = KernelModules.open(dir);
        List<String> order = tree.resolve(wanted).stream().map(KernelModules.Module::name).toList();
        assertThat(order).contains("virtio_mmio", "virtio_blk", "virtio_console", "erofs", "overlay", "virtio_net");
        assertThat(order).doesNotContain("ext4"); // built in (modules.builtin)
        Set<String> closure = new HashSet<>();
        for (String w : wanted) if (oracle.containsKey(w)) {
            closure.add(w);
            closure.addAll(oracle.get(w));
        }
        assertThat(new HashSet<>(order)).isEqualTo(closure);
        for (int i = 0; i < order.size(); i++) {
            assertThat(order.subList(0, i)).as("dependencies of " + order.get(i) + " load before it").containsAll(oracle.get(order.get(i)));
        }
        return order;
    }

    @Test
    void aKernelWithoutErofsIsRefusedNamingTheModuleAndTree() throws Exception {
        Path dir = modulesDir(GuestKernelFixture.require());
        Path partial = Files.createDirectories(tmp.resolve("modules"));
        Files.copy(dir.resolve("modules.builtin"), partial.resolve("modules.builtin"));
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path ko : s.filter(p -> p.toString().endsWith(".ko") && p.toString().contains("/virtio")).toList()) {
                Files.copy(ko, partial.resolve(ko.getFileName()));
            }
        }
        KernelModules tree = KernelModules.open(partial);
        assertThat(tree.resolve(List.of("virtio_blk")).stream().map(KernelModules.Module::name)).endsWith("virtio_blk");
        assertThatThrownBy(() -> tree.resolve(BootFiles.BASE_MODULES))
                .hasMessage("the guest kernel has no erofs: not built in (" + partial.resolve("modules.builtin") + ") and no erofs.ko under " + partial);
    }
}
