package dev.shed.cli.image;

import dev.shed.cli.ExitCodes;
import dev.shed.cli.GlobalOptions;
import dev.shed.core.config.ConfigFile;
import dev.shed.core.image.ArchiveImporter;
import dev.shed.core.image.KernelAttacher;
import dev.shed.core.store.Store;
import dev.shed.core.vm.BootFiles;
import dev.shed.core.vm.GuestArch;
import dev.shed.core.vm.KernelImage;
import dev.shed.core.vm.GuestKernel;
import dev.shed.core.vm.VmSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shed image kernel IMAGE --kernel FILE [--initrd FILE | --modules DIR] [--tag NEW]}. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {"Give an image its own guest kernel (and initrd): they become blobs the manifest names by the "
                + "annotations io.shed.kernel.digest / io.shed.initrd.digest, and travel with the image through push, pull, "
                + "save and load. IMAGE (or --tag NEW) then names the new manifest; shed start boots that kernel.",
                "A kernel with its drivers as modules needs --modules (shed writes the initrd now, with the modules a "
                + "shed boot needs) or a ready --initrd; with neither, everything must be built in."})
public final class ImageKernelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "Image name or manifest digest (one platform).")
    String image;

    @Option(names = "--kernel", paramLabel = "FILE", required = true, description = "The guest kernel (bzImage / vmlinuz).")
    Path kernel;

    @ArgGroup(exclusive = true)
    Initrd initrd;

    static final class Initrd {
        @Option(names = "--initrd", paramLabel = "FILE", description = "A ready initrd (it must speak shed's init protocol, see docs/boot.md).")
        Path file;

        @Option(names = "--modules", paramLabel = "DIR",
                description = "The kernel's module tree (lib/modules/RELEASE): shed writes the initrd from it (busybox, shed's init, the needed modules).")
        Path modules;
    }

    @Option(names = {"-t", "--tag"}, paramLabel = "NEW", description = "Name the result NEW and leave IMAGE as it was.")
    String tag;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (tag != null) ArchiveImporter.normaliseTag(tag);
        Store store = GlobalOptions.openStore();
        Path initrdFile = initrd == null ? null : initrd.file;
        if (initrd != null && initrd.modules != null) {
            if (!Files.isDirectory(initrd.modules)) throw new IllegalArgumentException("--modules " + initrd.modules + " is not a directory");
            // ports may be published from any shed of this image: the initrd carries the NIC driver too
            GuestArch arch = KernelImage.archOf(kernel);
            if (arch == null) throw new IllegalArgumentException("--kernel " + kernel + " is not a kernel image shed recognizes (x86 bzImage, arm64 Image, ELF vmlinux)");
            // the initrd's busybox must run on the kernel's architecture: vm.busybox.ARCH, else vm.busybox
            initrdFile = new BootFiles(VmSettings.load(new ConfigFile(store)).forArch(arch), store.layout().initrdCacheDir())
                    .initrd(new GuestKernel(kernel, initrd.modules, null, "--kernel " + kernel), true, false);
        }
        ArchiveImporter.Imported done = new KernelAttacher(store).attach(image, kernel, initrdFile, tag);
        spec.commandLine().getOut().println("Kernel attached: " + done.name() + " (" + done.target().digest() + ")");
        spec.commandLine().getOut().flush();
        return ExitCodes.OK;
    }
}
