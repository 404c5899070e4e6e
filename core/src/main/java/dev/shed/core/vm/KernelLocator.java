package dev.shed.core.vm;

import dev.shed.core.oci.BootBlob;
import dev.shed.core.oci.Digest;
import dev.shed.core.store.ContentStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Finds the guest kernel, first found wins: the image's own (blobs named by the manifest annotations
 * {@code io.shed.kernel.digest} / {@code io.shed.initrd.digest}); the configured {@code vm.kernel} (with
 * {@code vm.modules}, {@code vm.initrd}; {@code vm.kernel.ARCH} and its pair first); for a guest of the host's
 * architecture, the host's {@code /boot/vmlinuz-RELEASE} with {@code /lib/modules/RELEASE}. Otherwise an error
 * saying what to set. The kernel found must be one for the image's architecture.
 */
public final class KernelLocator {
    public static final String KERNEL_ANNOTATION = BootBlob.KERNEL;
    public static final String INITRD_ANNOTATION = BootBlob.INITRD;

    private final ContentStore blobs;
    private final VmSettings.GuestSettings settings;
    private final Path hostRoot;
    private final String hostRelease;

    public KernelLocator(ContentStore blobs, VmSettings.GuestSettings settings) {
        this(blobs, settings, Path.of("/"), hostRelease());
    }

    KernelLocator(ContentStore blobs, VmSettings.GuestSettings settings, Path hostRoot, String hostRelease) {
        this.blobs = blobs;
        this.settings = settings;
        this.hostRoot = hostRoot;
        this.hostRelease = hostRelease;
    }

    /** The kernel for an image whose manifest carries {@code annotations}. */
    public GuestKernel locate(Map<String, String> annotations) throws IOException {
        GuestKernel found = find(annotations);
        String arch = settings.arch().key();
        KernelImage.check(found.kernel(), found.origin(), settings.arch(), annotations.containsKey(KERNEL_ANNOTATION)
                ? "the image's own kernel cannot boot it"
                : "set an " + arch + " kernel with: shed config set vm.kernel." + arch + " /path/to/vmlinuz");
        return found;
    }

    private GuestKernel find(Map<String, String> annotations) throws IOException {
        String k = annotations.get(KERNEL_ANNOTATION);
        if (k != null) {
            Path kernel = blob(k, KERNEL_ANNOTATION);
            String i = annotations.get(INITRD_ANNOTATION);
            return new GuestKernel(kernel, null, i == null ? settings.initrd() : blob(i, INITRD_ANNOTATION), "image annotation " + KERNEL_ANNOTATION);
        }
        if (settings.kernel() != null) {
            Path kernel = settings.kernel();
            String key = settings.kernelKey();
            if (!Files.isRegularFile(kernel)) throw new IOException(key + " " + kernel + " does not exist (shed config set " + key + " PATH)");
            Path modules = settings.modules() != null ? settings.modules() : modulesBeside(kernel);
            if (modules != null && !Files.isDirectory(modules)) throw new IOException(key.replace("vm.kernel", "vm.modules") + " " + modules + " is not a directory");
            return new GuestKernel(kernel, modules, settings.initrd(), key);
        }
        Path hostKernel = hostRoot.resolve("boot/vmlinuz-" + hostRelease);
        String arch = settings.arch().key();
        if (settings.arch() != GuestArch.host()) {
            throw new IOException("no " + arch + " guest kernel: the image has no " + KERNEL_ANNOTATION + " annotation and vm.kernel." + arch
                    + " is not set (the host's own kernel is not " + arch + "); set one with: shed config set vm.kernel." + arch
                    + " /path/to/vmlinuz (its modules: shed config set vm.modules." + arch + " /path/to/lib/modules/RELEASE)");
        }
        if (!hostRelease.isEmpty() && Files.isReadable(hostKernel)) {
            Path modules = hostRoot.resolve("lib/modules/" + hostRelease);
            return new GuestKernel(hostKernel, Files.isDirectory(modules) ? modules : null, settings.initrd(), "host kernel " + hostRelease);
        }
        throw new IOException("no guest kernel: the image has no " + KERNEL_ANNOTATION + " annotation, vm.kernel is not set and "
                + hostKernel + " does not exist; set one with: shed config set vm.kernel /path/to/vmlinuz"
                + " (its modules: shed config set vm.modules /path/to/lib/modules/RELEASE)");
    }

    private Path blob(String digest, String annotation) throws IOException {
        Digest d;
        try {
            d = Digest.parse(digest);
        } catch (IllegalArgumentException e) {
            throw new IOException("manifest annotation " + annotation + ": '" + digest + "' is not a digest");
        }
        if (!blobs.exists(d)) throw new IOException("manifest annotation " + annotation + " names " + d + ", which is not in the store");
        return blobs.path(d);
    }

    /**
     * For {@code .../boot/vmlinuz-RELEASE}: {@code .../lib/modules/RELEASE} (an unpacked kernel package), else
     * {@code /lib/modules/RELEASE}; null when neither exists (a kernel with everything built in).
     */
    static Path modulesBeside(Path kernel) {
        String name = kernel.getFileName().toString();
        int dash = name.indexOf('-');
        if (dash < 0) return null;
        String release = name.substring(dash + 1);
        Path parent = kernel.toAbsolutePath().getParent();
        if (parent != null && parent.getParent() != null) {
            Path beside = parent.getParent().resolve("lib/modules/" + release);
            if (Files.isDirectory(beside)) return beside;
        }
        Path system = Path.of("/lib/modules", release);
        return Files.isDirectory(system) ? system : null;
    }

    static String hostRelease() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/osrelease")).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
