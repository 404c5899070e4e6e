package dev.shed.core.vm;

import java.nio.file.Path;

/**
 * The kernel a guest boots, and how it was found.
 *
 * @param kernel  the bzImage / vmlinuz
 * @param modules its module tree (lib/modules/RELEASE), or null when it has none (everything built in)
 * @param initrd  a ready initrd to use as is, or null: shed writes its own
 * @param origin  where it came from, for messages ("image annotation", "vm.kernel", "host")
 */
public record GuestKernel(Path kernel, Path modules, Path initrd, String origin) {}
