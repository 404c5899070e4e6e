package dev.shed.core.vm.harness;

import dev.shed.core.layer.LayerBlob;
import dev.shed.core.oci.Descriptor;
import dev.shed.core.oci.Digest;
import dev.shed.core.oci.Manifest;
import dev.shed.core.store.FileTrees;
import dev.shed.core.store.Store;
import dev.shed.core.vm.Accel;
import dev.shed.core.vm.BootFiles;
import dev.shed.core.vm.GuestArch;
import dev.shed.core.vm.GuestKernel;
import dev.shed.core.vm.KernelLocator;
import dev.shed.core.vm.QemuCommand;
import dev.shed.core.vm.VmLaunch;
import dev.shed.core.vm.VmProcess;
import dev.shed.core.vm.VmRunner;
import dev.shed.core.vm.VmSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The guest-side comparison harness (seed §10): boots a throwaway VM on a lower alone (read-only, no upper),
 * lets the guest list every entry as its kernel sees it, and compares that with the tree the flattener computes
 * from the manifest's layer tars.
 */
public final class BootVerifier {
    private final Store store;
    private final VmSettings settings;
    private final Consumer<String> warnings;

    /** What a verify found. */
    public record Report(int entries, List<String> differences) {}

    public BootVerifier(Store store, VmSettings settings, Consumer<String> warnings) {
        this.store = store;
        this.settings = settings;
        this.warnings = warnings;
    }

    /** Compares {@code lower} (with its data devices, in table order) against {@code manifest}'s layers. */
    public Report verify(Digest manifest, Path lower, List<Path> devices) throws IOException {
        Manifest m = Manifest.parse(store.blobs().read(manifest), null);
        List<LayerBlob> layers = new ArrayList<>();
        for (Descriptor d : m.layers()) {
            if (!store.blobs().exists(d.digest())) throw new IOException("layer " + d.digest() + " of manifest " + manifest + " is not in the store");
            layers.add(new LayerBlob(d, () -> store.blobs().open(d.digest())));
        }
        ExpectedTree expected = ExpectedTree.of(layers);
        Map<String, TreeEntry> guest = listInGuest(m, GuestArch.ofImage(store.blobs(), manifest), lower, devices);
        return new Report(guest.size(), TreeDiff.compare(expected, guest));
    }

    private Map<String, TreeEntry> listInGuest(Manifest m, GuestArch arch, Path lower, List<Path> devices) throws IOException {
        KernelLocator locator = new KernelLocator(store.blobs(), settings.forArch(arch));
        GuestKernel kernel = locator.locate(m.annotations());
        // an image's own initrd holds its kernel's modules but not the harness tools, and there is no module tree to
        // write one with them: the lower is checked by the next kernel in line (vm.kernel, the host's)
        if (kernel.initrd() != null && kernel.modules() == null) {
            try {
                kernel = locator.locate(Map.of());
            } catch (IOException none) {
                throw new IOException("the image has an initrd of its own (" + KernelLocator.INITRD_ANNOTATION + "), without the harness's "
                        + "listing tools; verify --boot needs another kernel: shed config set vm.kernel /path/to/vmlinuz");
            }
        }
        if (kernel.initrd() != null) kernel = new GuestKernel(kernel.kernel(), kernel.modules(), null, kernel.origin());
        Path initrd = new BootFiles(settings.forArch(arch), store.layout().initrdCacheDir()).initrd(kernel, false, true);
        Path work = store.layout().tmpDir().resolve("verify-boot-" + UUID.randomUUID());
        Files.createDirectories(work);
        try {
            List<VmLaunch.Disk> disks = new ArrayList<>();
            disks.add(new VmLaunch.Disk(lower, "shed-lower", true));
            for (int i = 0; i < devices.size(); i++) disks.add(new VmLaunch.Disk(devices.get(i), "shed-dev" + i, true));
            Path stat = work.resolve("stat"), sum = work.resolve("sum"), xattr = work.resolve("xattr"), log = work.resolve("console.log");
            Accel accel = arch.accel();
            if (arch.warning(accel) != null) warnings.accept(arch.warning(accel));
            VmLaunch launch = new VmLaunch("shed-verify", kernel.kernel(), initrd,
                    List.of("shed.mode=verify", "shed.devices=" + devices.size(), "shed.upper=0"), settings.memoryBytes(), disks,
                    List.of(VmLaunch.Port.file("shed.stat", stat), VmLaunch.Port.file("shed.sum", sum), VmLaunch.Port.file("shed.xattr", xattr)),
                    new VmLaunch.Console(null, log), List.of(), null, accel, arch);
            try {
                run(QemuCommand.of(launch, false), arch, VmRunner.bootTimeout(accel).multipliedBy(2), log);
            } catch (IOException e) {
                throw new IOException(e.getMessage() + "; console ends: " + tail(log), e);
            }
            String console = Files.exists(log) ? Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1) : "";
            if (!console.contains("shed-init: listed")) throw new IOException("the guest did not list the lower: " + lastError(console));
            return GuestListing.parse(Files.readAllBytes(stat), Files.readAllBytes(sum), Files.readAllBytes(xattr));
        } finally {
            FileTrees.delete(work);
        }
    }

    private static void run(List<String> command, GuestArch arch, Duration timeout, Path log) throws IOException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.resolveSibling("qemu.out").toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new IOException(arch.qemuBinary() + " is not installed (Debian: apt-get install " + arch.qemuPackage() + ")");
        }
        // waitFor, not a ProcessHandle poll: the handle can report the child gone before the JDK's reaper has
        // recorded its exit code, and exitValue() then throws IllegalThreadStateException ("process hasn't exited")
        boolean exited;
        try {
            exited = p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            VmProcess.kill(p.toHandle(), Duration.ofSeconds(5));
            throw new IOException("interrupted while the verify VM ran", e);
        }
        if (!exited) {
            VmProcess.kill(p.toHandle(), Duration.ofSeconds(5));
            throw new IOException("the verify VM did not finish within " + timeout.toSeconds() + "s");
        }
        if (p.exitValue() != 0) {
            String out = Files.exists(log.resolveSibling("qemu.out")) ? Files.readString(log.resolveSibling("qemu.out")).strip() : "";
            throw new IOException(arch.qemuBinary() + " failed (exit " + p.exitValue() + "): " + out.replace('\n', ' '));
        }
    }

    /** The console's last non-empty line, to say where a guest stopped. */
    private static String tail(Path log) {
        try {
            String[] lines = Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n");
            for (int i = lines.length - 1; i >= 0; i--) if (!lines[i].isBlank()) return lines[i].strip();
        } catch (IOException e) {
            // no log
        }
        return "(nothing)";
    }

    private static String lastError(String console) {
        String[] lines = console.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            int at = lines[i].indexOf("shed-init: error: ");
            if (at >= 0) return "guest: " + lines[i].substring(at + "shed-init: error: ".length()).strip();
        }
        for (int i = lines.length - 1; i >= 0; i--) if (lines[i].contains("Kernel panic")) return "guest: " + lines[i].strip();
        return "no error line in the console log";
    }
}
