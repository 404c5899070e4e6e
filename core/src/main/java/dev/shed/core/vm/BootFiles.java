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

    private final VmSettings.GuestSettings settings;
    private final Path cacheDir;

    /** {@code cacheDir}: where written initrds are kept (one per content hash). */
    public BootFiles(VmSettings.GuestSettings settings, Path cacheDir) {
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
        Path busybox = busybox();
        Map<String, Path> tools = harness ? HarnessTools.resolve(settings.arch()) : Map.of();
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

    /** The configured busybox, else the host's for a guest of the host's architecture; it must run on the guest. */
    private Path busybox() throws IOException {
        GuestArch arch = settings.arch();
        String key = "vm.busybox." + arch.key();
        String fetch = " (Debian: dpkg --add-architecture " + arch.key() + "; apt-get download busybox-static:" + arch.key()
                + "; dpkg-deb -x busybox-static_*.deb DIR)";
        if (settings.busybox() == null && arch != GuestArch.host()) {
            throw new IOException("no " + arch.key() + " busybox for the initrd: the host's is not " + arch.key()
                    + "; set one with: shed config set " + key + " DIR/bin/busybox" + fetch);
        }
        Path busybox = settings.busybox() != null ? settings.busybox() : Path.of("/bin/busybox");
        if (!Files.isRegularFile(busybox)) return busybox; // InitrdBuilder says what to install
        byte[] header;
        try (var in = Files.newInputStream(busybox)) {
            header = in.readNBytes(20);
        }
        GuestArch actual = GuestArch.ofElf(header);
        if (actual != arch) {
            throw new IOException("busybox " + busybox + (settings.busybox() != null ? " (" + settings.busyboxKey() + ")" : "") + " is "
                    + (actual == null ? "not an x86-64 or aarch64 ELF binary" : "an " + actual.elfName() + " binary")
                    + " but the image is " + arch.key() + "; set an " + arch.elfName() + " one with: shed config set " + key + " PATH" + fetch);
        }
        return busybox;
    }
}
