package dev.shed.core.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Picks the initrd a guest boots: the one that came with the kernel ({@code vm.initrd} or the image's
 * {@code io.shed.initrd.digest}), else the one shed writes for that kernel — busybox plus exactly the modules the
 * kernel does not have built in, checked here so a kernel without virtio or erofs support fails before it boots.
 * A written initrd is found again by {@link InitrdIndex} (a few stats) instead of re-reading what went into it.
 */
public final class BootFiles {
    /** Guest drivers every shed boot needs: the microvm transport, disks, exec ports, the lower and the upper. */
    static final List<String> BASE_MODULES = List.of("virtio_mmio", "virtio_blk", "virtio_console", "erofs", "overlay", "ext4");
    static final List<String> NET_MODULES = List.of("virtio_net");

    private final VmSettings settings;
    private final Path cacheDir;

    /** {@code cacheDir}: where written initrds are kept (one per content hash). */
    public BootFiles(VmSettings settings, Path cacheDir) {
        this.settings = settings;
        this.cacheDir = cacheDir;
    }

    /** The initrd for {@code kernel}; {@code net}: with the NIC driver; {@code harness}: with the listing tools. */
    public Path initrd(GuestKernel kernel, boolean net, boolean harness) throws IOException {
        if (kernel.initrd() != null) {
            if (!Files.isRegularFile(kernel.initrd())) throw new IOException("initrd " + kernel.initrd() + " does not exist");
            return kernel.initrd();
        }
        List<String> wanted = new ArrayList<>(BASE_MODULES);
        if (net) wanted.addAll(NET_MODULES);
        Path busybox = settings.busybox() != null ? settings.busybox() : Path.of("/bin/busybox");
        Map<String, Path> tools = harness ? HarnessTools.resolve() : Map.of();
        InitrdIndex index = new InitrdIndex(cacheDir);
        String key = InitrdIndex.key(List.of("modules=" + kernel.modules(), "wanted=" + wanted, "busybox=" + busybox.toAbsolutePath(),
                "tools=" + new TreeMap<>(tools)), InitrdBuilder.initScript());
        Optional<Path> known = index.lookup(key);
        if (known.isPresent()) return known.get();

        List<KernelModules.Module> modules = List.of();
        List<Path> sources = new ArrayList<>(List.of(busybox));
        sources.addAll(tools.values());
        if (kernel.modules() != null) {
            KernelModules tree = KernelModules.open(kernel.modules());
            try {
                modules = tree.resolve(wanted);
            } catch (IOException e) {
                throw new IOException("guest kernel " + kernel.kernel() + " (" + kernel.origin() + "): " + e.getMessage());
            }
            sources.addAll(tree.sources(modules));
        }
        Path initrd = new InitrdBuilder(cacheDir).build(new InitrdContent(busybox, modules, tools));
        index.record(key, initrd, sources);
        return initrd;
    }
}
