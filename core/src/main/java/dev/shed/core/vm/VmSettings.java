package dev.shed.core.vm;

import dev.shed.core.config.ConfigFile;
import dev.shed.core.config.ConfigKey;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The store's {@code vm.*} settings: where the guest kernel, its modules, a ready initrd and a static busybox come
 * from (null = discover), and the guest's memory.
 */
public record VmSettings(Path kernel, Path modules, Path initrd, Path busybox, long memoryBytes) {
    public static final VmSettings DEFAULTS = new VmSettings(null, null, null, null, 256L << 20);

    public static VmSettings load(ConfigFile config) throws IOException {
        return new VmSettings(path(config, ConfigKey.VM_KERNEL), path(config, ConfigKey.VM_MODULES),
                path(config, ConfigKey.VM_INITRD), path(config, ConfigKey.VM_BUSYBOX),
                Long.parseLong(config.get(ConfigKey.VM_MEMORY)));
    }

    private static Path path(ConfigFile config, ConfigKey key) throws IOException {
        String v = config.get(key);
        return v.isEmpty() ? null : Path.of(v);
    }
}
