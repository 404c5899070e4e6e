package dev.shed.core.vm;

import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The store's {@code vm.*} settings: where the guest kernel, its modules, a ready initrd and a static busybox come
 * from (the set keys; unset = discover), per architecture through {@link #forArch}, and the guest's memory.
 *
 * @param paths config key (vm.kernel, vm.kernel.arm64, …) → its path, only for the keys that are set
 */
public record VmSettings(Map<String, Path> paths, long memoryBytes) {
    public static final VmSettings DEFAULTS = new VmSettings(Map.of(), 256L << 20);

    public VmSettings {
        paths = Map.copyOf(paths);
    }

    public static VmSettings load(ConfigFile config) throws IOException {
        Map<String, Path> paths = new HashMap<>();
        for (ConfigKey k : ConfigKey.values()) {
            if (!k.key().startsWith("vm.") || k == ConfigKey.VM_MEMORY) continue;
            String v = config.get(k);
            if (!v.isEmpty()) paths.put(k.key(), Path.of(v));
        }
        return new VmSettings(paths, Long.parseLong(config.get(ConfigKey.VM_MEMORY)));
    }

    /**
     * What an {@code arch} guest boots with. Kernel, modules and initrd belong together: all three come from the
     * {@code vm.*.ARCH} keys when {@code vm.kernel.ARCH} is set, else from the plain keys (checked against the
     * image's architecture later). Busybox: {@code vm.busybox.ARCH}, else {@code vm.busybox}.
     */
    public GuestSettings forArch(GuestArch arch) {
        String suffix = paths.containsKey("vm.kernel." + arch.key()) ? "." + arch.key() : "";
        String busybox = paths.containsKey("vm.busybox." + arch.key()) ? "vm.busybox." + arch.key() : "vm.busybox";
        return new GuestSettings(arch, "vm.kernel" + suffix, paths.get("vm.kernel" + suffix), paths.get("vm.modules" + suffix),
                paths.get("vm.initrd" + suffix), busybox, paths.get(busybox));
    }

    /**
     * The boot files configured for one guest architecture (null = discover), with the keys they came from so
     * errors name the setting to change.
     */
    public record GuestSettings(GuestArch arch, String kernelKey, Path kernel, Path modules, Path initrd, String busyboxKey, Path busybox) {}
}
