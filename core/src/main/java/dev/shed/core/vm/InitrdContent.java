package dev.shed.core.vm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What goes into the initrd shed writes: busybox, the modules to load (in order) and, for the boot harness only,
 * host tools (GNU stat, sha256sum, getfattr) with the shared libraries they need, each at its host path.
 *
 * @param busybox a static busybox binary
 * @param modules modules to insmod, dependencies first
 * @param tools   guest path → host file, copied as is (for {@code verify})
 */
public record InitrdContent(Path busybox, List<KernelModules.Module> modules, Map<String, Path> tools) {
    public InitrdContent {
        modules = List.copyOf(modules);
        tools = Map.copyOf(tools);
    }
}
